using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddManagedDatabases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BackupAccessKeyId",
                table: "ServicePlatforms",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BackupDestinationPath",
                table: "ServicePlatforms",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BackupEndpointUrl",
                table: "ServicePlatforms",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedBackupSecretKey",
                table: "ServicePlatforms",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ManagedDatabases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServiceConfigId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlatformId = table.Column<Guid>(type: "uuid", nullable: false),
                    InfrastructureId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    PostgresVersion = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Instances = table.Column<int>(type: "integer", nullable: false),
                    ComputeSize = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StorageGiB = table.Column<int>(type: "integer", nullable: false),
                    DatabaseName = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    OwnerName = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    BackupsEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    BackupFrequency = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BackupHour = table.Column<int>(type: "integer", nullable: false),
                    BackupDay = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BackupRetentionDays = table.Column<int>(type: "integer", nullable: false),
                    Hibernated = table.Column<bool>(type: "boolean", nullable: false),
                    RestartRequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RestoredFromId = table.Column<Guid>(type: "uuid", nullable: true),
                    RestoredFromName = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    RestoredFromServer = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RestorePoint = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReadyInstances = table.Column<int>(type: "integer", nullable: false),
                    CurrentPrimary = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    InstanceNames = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    OperatorPhase = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    OperatorPhaseReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    OperatorPhaseSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastBackupAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastBackupFailedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastBackupFailure = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RecoverableFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RecoverableTo = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ArchivingFault = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastReconciledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BackupsEnabledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StateReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ProviderFault = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CurrentOperationId = table.Column<Guid>(type: "uuid", nullable: true),
                    LastOperationId = table.Column<Guid>(type: "uuid", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ManagedDatabases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ManagedDatabases_Infrastructures_InfrastructureId",
                        column: x => x.InfrastructureId,
                        principalTable: "Infrastructures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ManagedDatabases_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ManagedDatabases_ServiceConfigs_ServiceConfigId",
                        column: x => x.ServiceConfigId,
                        principalTable: "ServiceConfigs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ManagedDatabases_ServicePlatforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "ServicePlatforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ManagedDatabases_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ManagedDatabases_CreatedAt",
                table: "ManagedDatabases",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ManagedDatabases_InfrastructureId",
                table: "ManagedDatabases",
                column: "InfrastructureId");

            migrationBuilder.CreateIndex(
                name: "IX_ManagedDatabases_PlatformId",
                table: "ManagedDatabases",
                column: "PlatformId");

            migrationBuilder.CreateIndex(
                name: "IX_ManagedDatabases_ProjectId_Name",
                table: "ManagedDatabases",
                columns: new[] { "ProjectId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ManagedDatabases_ServiceConfigId",
                table: "ManagedDatabases",
                column: "ServiceConfigId");

            migrationBuilder.CreateIndex(
                name: "IX_ManagedDatabases_State",
                table: "ManagedDatabases",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_ManagedDatabases_TenantId_CreatedAt",
                table: "ManagedDatabases",
                columns: new[] { "TenantId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ManagedDatabases");

            migrationBuilder.DropColumn(
                name: "BackupAccessKeyId",
                table: "ServicePlatforms");

            migrationBuilder.DropColumn(
                name: "BackupDestinationPath",
                table: "ServicePlatforms");

            migrationBuilder.DropColumn(
                name: "BackupEndpointUrl",
                table: "ServicePlatforms");

            migrationBuilder.DropColumn(
                name: "ProtectedBackupSecretKey",
                table: "ServicePlatforms");
        }
    }
}

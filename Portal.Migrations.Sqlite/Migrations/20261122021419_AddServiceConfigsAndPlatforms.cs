using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddServiceConfigsAndPlatforms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ServiceConfigs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InfrastructureId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false, collation: "NOCASE"),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    OfferedToAllTenants = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", maxLength: 192, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceConfigs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ServiceConfigs_Infrastructures_InfrastructureId",
                        column: x => x.InfrastructureId,
                        principalTable: "Infrastructures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ServiceConfigOffers",
                columns: table => new
                {
                    ServiceConfigId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceConfigOffers", x => new { x.ServiceConfigId, x.TenantId });
                    table.ForeignKey(
                        name: "FK_ServiceConfigOffers_ServiceConfigs_ServiceConfigId",
                        column: x => x.ServiceConfigId,
                        principalTable: "ServiceConfigs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ServiceConfigOffers_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ServicePlatforms",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServiceConfigId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StateReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ExternalNetworkId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ExternalNetworkName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    PostgresMode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    OperatorVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    TargetOperatorVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ProtectedKubeconfig = table.Column<string>(type: "TEXT", nullable: true),
                    ClusterServer = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServicePlatforms", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ServicePlatforms_ServiceConfigs_ServiceConfigId",
                        column: x => x.ServiceConfigId,
                        principalTable: "ServiceConfigs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceConfigOffers_TenantId",
                table: "ServiceConfigOffers",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_ServiceConfigs_InfrastructureId_NameKey",
                table: "ServiceConfigs",
                columns: new[] { "InfrastructureId", "NameKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ServicePlatforms_ServiceConfigId_Kind",
                table: "ServicePlatforms",
                columns: new[] { "ServiceConfigId", "Kind" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ServiceConfigOffers");

            migrationBuilder.DropTable(
                name: "ServicePlatforms");

            migrationBuilder.DropTable(
                name: "ServiceConfigs");
        }
    }
}

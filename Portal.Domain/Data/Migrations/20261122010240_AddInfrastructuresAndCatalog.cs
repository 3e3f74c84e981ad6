using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddInfrastructuresAndCatalog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Infrastructures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false, collation: "NOCASE"),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ZoneId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AuthUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    RegionName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Interface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CredentialKind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ApplicationCredentialId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    UserDomain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ProjectName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ProjectDomain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    CaBundlePem = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedSecret = table.Column<string>(type: "TEXT", nullable: true),
                    LastValidatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastValidationSucceeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastValidationSummary = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Infrastructures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Infrastructures_Zones_ZoneId",
                        column: x => x.ZoneId,
                        principalTable: "Zones",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CatalogFlavors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    RamMb = table.Column<int>(type: "INTEGER", nullable: false),
                    DiskGb = table.Column<int>(type: "INTEGER", nullable: false),
                    InfrastructureId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProviderId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ProviderName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false, collation: "NOCASE"),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    MissingFromCloud = table.Column<bool>(type: "INTEGER", nullable: false),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CatalogFlavors", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CatalogFlavors_Infrastructures_InfrastructureId",
                        column: x => x.InfrastructureId,
                        principalTable: "Infrastructures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CatalogImages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MinRamMb = table.Column<int>(type: "INTEGER", nullable: false),
                    MinDiskGb = table.Column<int>(type: "INTEGER", nullable: false),
                    KubernetesVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OsDistro = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    InfrastructureId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProviderId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ProviderName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false, collation: "NOCASE"),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    MissingFromCloud = table.Column<bool>(type: "INTEGER", nullable: false),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CatalogImages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CatalogImages_Infrastructures_InfrastructureId",
                        column: x => x.InfrastructureId,
                        principalTable: "Infrastructures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CatalogFlavors_InfrastructureId_Name",
                table: "CatalogFlavors",
                columns: new[] { "InfrastructureId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_CatalogFlavors_InfrastructureId_ProviderId",
                table: "CatalogFlavors",
                columns: new[] { "InfrastructureId", "ProviderId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CatalogImages_InfrastructureId_Name",
                table: "CatalogImages",
                columns: new[] { "InfrastructureId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_CatalogImages_InfrastructureId_ProviderId",
                table: "CatalogImages",
                columns: new[] { "InfrastructureId", "ProviderId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Infrastructures_Name",
                table: "Infrastructures",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Infrastructures_ZoneId",
                table: "Infrastructures",
                column: "ZoneId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CatalogFlavors");

            migrationBuilder.DropTable(
                name: "CatalogImages");

            migrationBuilder.DropTable(
                name: "Infrastructures");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddDirectoryMemberships : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TenantMemberships_TenantId_UserId",
                table: "TenantMemberships");

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "TenantMemberships",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Local");

            migrationBuilder.CreateTable(
                name: "UnmatchedDirectoryGroups",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Group = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TenantSlug = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TimesSeen = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnmatchedDirectoryGroups", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TenantMemberships_TenantId_UserId_Source",
                table: "TenantMemberships",
                columns: new[] { "TenantId", "UserId", "Source" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UnmatchedDirectoryGroups_Group",
                table: "UnmatchedDirectoryGroups",
                column: "Group",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UnmatchedDirectoryGroups");

            migrationBuilder.DropIndex(
                name: "IX_TenantMemberships_TenantId_UserId_Source",
                table: "TenantMemberships");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "TenantMemberships");

            migrationBuilder.CreateIndex(
                name: "IX_TenantMemberships_TenantId_UserId",
                table: "TenantMemberships",
                columns: new[] { "TenantId", "UserId" },
                unique: true);
        }
    }
}

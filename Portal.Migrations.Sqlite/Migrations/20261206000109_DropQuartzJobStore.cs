using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// The operations engine left Quartz for Hangfire (docs/decisions/0009): its job store's tables go. Operations that
    /// were queued or running in them are rows in Operations too, and the engine's start-up sweep enqueues them again.
    /// </summary>
    public partial class DropQuartzJobStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => AddQuartzJobStore.DropTables(migrationBuilder);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to bring back: no version of the portal that reads these tables runs on this schema.
        }
    }
}

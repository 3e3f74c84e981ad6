using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// The Quartz.NET job store's tables (Quartz 3.22 schema for SQLite, from Quartz's database/tables/tables_sqlite.sql).
    /// The EF model does not know these tables, so the scaffolder produced an empty migration and the DDL was
    /// added by hand; see docs/decisions/0004-quartz-schema-in-migration.md. Times are ticks (INTEGER), booleans 0/1,
    /// the DEC_PROP_* columns NUMERIC (Quartz writes them as text).
    /// </summary>
    public partial class AddQuartzJobStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_JOB_DETAILS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    JOB_NAME NVARCHAR(150) NOT NULL,
                    JOB_GROUP NVARCHAR(150) NOT NULL,
                    DESCRIPTION NVARCHAR(250) NULL,
                    JOB_CLASS_NAME NVARCHAR(250) NOT NULL,
                    IS_DURABLE BIT NOT NULL,
                    IS_NONCONCURRENT BIT NOT NULL,
                    IS_UPDATE_DATA BIT NOT NULL,
                    REQUESTS_RECOVERY BIT NOT NULL,
                    JOB_DATA BLOB NULL,
                    PRIMARY KEY (SCHED_NAME, JOB_NAME, JOB_GROUP)
                );
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_TRIGGERS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    TRIGGER_NAME NVARCHAR(150) NOT NULL,
                    TRIGGER_GROUP NVARCHAR(150) NOT NULL,
                    JOB_NAME NVARCHAR(150) NOT NULL,
                    JOB_GROUP NVARCHAR(150) NOT NULL,
                    DESCRIPTION NVARCHAR(250) NULL,
                    NEXT_FIRE_TIME BIGINT NULL,
                    PREV_FIRE_TIME BIGINT NULL,
                    PRIORITY INTEGER NULL,
                    TRIGGER_STATE NVARCHAR(16) NOT NULL,
                    TRIGGER_TYPE NVARCHAR(8) NOT NULL,
                    START_TIME BIGINT NOT NULL,
                    END_TIME BIGINT NULL,
                    CALENDAR_NAME NVARCHAR(200) NULL,
                    MISFIRE_INSTR INTEGER NULL,
                    MISFIRE_ORIG_FIRE_TIME INTEGER NULL,
                    EXECUTION_GROUP NVARCHAR(200) NULL,
                    PREFERRED_NODE NVARCHAR(200) NULL,
                    PREFERRED_NODE_AUTO BIT NOT NULL DEFAULT 0,
                    JOB_DATA BLOB NULL,
                    PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
                    FOREIGN KEY (SCHED_NAME, JOB_NAME, JOB_GROUP)
                        REFERENCES QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP)
                );
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_SIMPLE_TRIGGERS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    TRIGGER_NAME NVARCHAR(150) NOT NULL,
                    TRIGGER_GROUP NVARCHAR(150) NOT NULL,
                    REPEAT_COUNT BIGINT NOT NULL,
                    REPEAT_INTERVAL BIGINT NOT NULL,
                    TIMES_TRIGGERED BIGINT NOT NULL,
                    PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
                    FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
                        REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
                );
                """);

            migrationBuilder.Sql("""
                CREATE TRIGGER DELETE_SIMPLE_TRIGGER DELETE ON QRTZ_TRIGGERS
                BEGIN
                    DELETE FROM QRTZ_SIMPLE_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
                END;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_SIMPROP_TRIGGERS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    TRIGGER_NAME NVARCHAR(150) NOT NULL,
                    TRIGGER_GROUP NVARCHAR(150) NOT NULL,
                    STR_PROP_1 NVARCHAR(512) NULL,
                    STR_PROP_2 NVARCHAR(512) NULL,
                    STR_PROP_3 NVARCHAR(512) NULL,
                    INT_PROP_1 INT NULL,
                    INT_PROP_2 INT NULL,
                    LONG_PROP_1 BIGINT NULL,
                    LONG_PROP_2 BIGINT NULL,
                    DEC_PROP_1 NUMERIC NULL,
                    DEC_PROP_2 NUMERIC NULL,
                    BOOL_PROP_1 BIT NULL,
                    BOOL_PROP_2 BIT NULL,
                    TIME_ZONE_ID NVARCHAR(80) NULL,
                    PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
                    FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
                        REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
                );
                """);

            migrationBuilder.Sql("""
                CREATE TRIGGER DELETE_SIMPROP_TRIGGER DELETE ON QRTZ_TRIGGERS
                BEGIN
                    DELETE FROM QRTZ_SIMPROP_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
                END;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_CRON_TRIGGERS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    TRIGGER_NAME NVARCHAR(150) NOT NULL,
                    TRIGGER_GROUP NVARCHAR(150) NOT NULL,
                    CRON_EXPRESSION NVARCHAR(250) NOT NULL,
                    TIME_ZONE_ID NVARCHAR(80),
                    PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
                    FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
                        REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
                );
                """);

            migrationBuilder.Sql("""
                CREATE TRIGGER DELETE_CRON_TRIGGER DELETE ON QRTZ_TRIGGERS
                BEGIN
                    DELETE FROM QRTZ_CRON_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
                END;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_BLOB_TRIGGERS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    TRIGGER_NAME NVARCHAR(150) NOT NULL,
                    TRIGGER_GROUP NVARCHAR(150) NOT NULL,
                    BLOB_DATA BLOB NULL,
                    PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
                    FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
                        REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
                );
                """);

            migrationBuilder.Sql("""
                CREATE TRIGGER DELETE_BLOB_TRIGGER DELETE ON QRTZ_TRIGGERS
                BEGIN
                    DELETE FROM QRTZ_BLOB_TRIGGERS WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;
                END;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_CALENDARS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    CALENDAR_NAME NVARCHAR(200) NOT NULL,
                    CALENDAR BLOB NOT NULL,
                    PRIMARY KEY (SCHED_NAME, CALENDAR_NAME)
                );
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_PAUSED_TRIGGER_GRPS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    TRIGGER_GROUP NVARCHAR(150) NOT NULL,
                    PRIMARY KEY (SCHED_NAME, TRIGGER_GROUP)
                );
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_FIRED_TRIGGERS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    ENTRY_ID NVARCHAR(140) NOT NULL,
                    TRIGGER_NAME NVARCHAR(150) NOT NULL,
                    TRIGGER_GROUP NVARCHAR(150) NOT NULL,
                    INSTANCE_NAME NVARCHAR(200) NOT NULL,
                    FIRED_TIME BIGINT NOT NULL,
                    SCHED_TIME BIGINT NOT NULL,
                    PRIORITY INTEGER NOT NULL,
                    STATE NVARCHAR(16) NOT NULL,
                    JOB_NAME NVARCHAR(150) NULL,
                    JOB_GROUP NVARCHAR(150) NULL,
                    IS_NONCONCURRENT BIT NULL,
                    REQUESTS_RECOVERY BIT NULL,
                    EXECUTION_GROUP NVARCHAR(200) NULL,
                    PRIMARY KEY (SCHED_NAME, ENTRY_ID)
                );
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_SCHEDULER_STATE
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    INSTANCE_NAME NVARCHAR(200) NOT NULL,
                    LAST_CHECKIN_TIME BIGINT NOT NULL,
                    CHECKIN_INTERVAL BIGINT NOT NULL,
                    PRIMARY KEY (SCHED_NAME, INSTANCE_NAME)
                );
                """);

            migrationBuilder.Sql("""
                CREATE TABLE QRTZ_LOCKS
                (
                    SCHED_NAME NVARCHAR(120) NOT NULL,
                    LOCK_NAME NVARCHAR(40) NOT NULL,
                    PRIMARY KEY (SCHED_NAME, LOCK_NAME)
                );
                """);

            migrationBuilder.Sql("CREATE INDEX IDX_QRTZ_J_G_N ON QRTZ_JOB_DETAILS (SCHED_NAME, JOB_GROUP, JOB_NAME);");
            migrationBuilder.Sql("CREATE INDEX IDX_QRTZ_T_G_N ON QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_GROUP, TRIGGER_NAME);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => DropTables(migrationBuilder);

        /// <summary>Drops the job store's tables (also when the engine left Quartz: <see cref="DropQuartzJobStore"/>).</summary>
        internal static void DropTables(MigrationBuilder migrationBuilder)
        {
            // Children first; dropping QRTZ_TRIGGERS also drops its DELETE_* triggers.
            foreach (var table in new[]
            {
                "QRTZ_FIRED_TRIGGERS", "QRTZ_PAUSED_TRIGGER_GRPS", "QRTZ_SCHEDULER_STATE", "QRTZ_LOCKS", "QRTZ_SIMPROP_TRIGGERS",
                "QRTZ_SIMPLE_TRIGGERS", "QRTZ_CRON_TRIGGERS", "QRTZ_BLOB_TRIGGERS", "QRTZ_TRIGGERS", "QRTZ_JOB_DETAILS", "QRTZ_CALENDARS",
            })
                migrationBuilder.Sql($"DROP TABLE IF EXISTS {table};");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddManagedKubernetesClusters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ManagementClusterServer",
                table: "Infrastructures",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedManagementKubeconfig",
                table: "Infrastructures",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "KubernetesClusters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServiceConfigId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InfrastructureId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ExternalNetworkId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ExternalNetworkName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    KubernetesVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ImageId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ImageName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ControlPlaneType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ControlPlaneReplicas = table.Column<int>(type: "INTEGER", nullable: false),
                    ControlPlaneFlavorId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ControlPlaneFlavorName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ControlPlaneVcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    ControlPlaneRamMb = table.Column<int>(type: "INTEGER", nullable: false),
                    ReadyControlPlaneReplicas = table.Column<int>(type: "INTEGER", nullable: false),
                    ObservedVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    LastReconciledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StateReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ProviderFault = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CurrentOperationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LastOperationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KubernetesClusters", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KubernetesClusters_Infrastructures_InfrastructureId",
                        column: x => x.InfrastructureId,
                        principalTable: "Infrastructures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_KubernetesClusters_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_KubernetesClusters_ServiceConfigs_ServiceConfigId",
                        column: x => x.ServiceConfigId,
                        principalTable: "ServiceConfigs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_KubernetesClusters_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "NodePools",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClusterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FlavorId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    FlavorName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    FlavorVcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    FlavorRamMb = table.Column<int>(type: "INTEGER", nullable: false),
                    ImageId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ImageName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    KubernetesVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    NodeCount = table.Column<int>(type: "INTEGER", nullable: false),
                    AutoscalerEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    AutoscalerMin = table.Column<int>(type: "INTEGER", nullable: true),
                    AutoscalerMax = table.Column<int>(type: "INTEGER", nullable: true),
                    ReadyNodes = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StateReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ProviderFault = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CurrentOperationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LastOperationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NodePools", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NodePools_KubernetesClusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "KubernetesClusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KubernetesClusters_InfrastructureId",
                table: "KubernetesClusters",
                column: "InfrastructureId");

            migrationBuilder.CreateIndex(
                name: "IX_KubernetesClusters_ProjectId_Name",
                table: "KubernetesClusters",
                columns: new[] { "ProjectId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KubernetesClusters_ServiceConfigId",
                table: "KubernetesClusters",
                column: "ServiceConfigId");

            migrationBuilder.CreateIndex(
                name: "IX_KubernetesClusters_State",
                table: "KubernetesClusters",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_KubernetesClusters_TenantId_CreatedAt",
                table: "KubernetesClusters",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NodePools_ClusterId_Name",
                table: "NodePools",
                columns: new[] { "ClusterId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NodePools");

            migrationBuilder.DropTable(
                name: "KubernetesClusters");

            migrationBuilder.DropColumn(
                name: "ManagementClusterServer",
                table: "Infrastructures");

            migrationBuilder.DropColumn(
                name: "ProtectedManagementKubeconfig",
                table: "Infrastructures");
        }
    }
}

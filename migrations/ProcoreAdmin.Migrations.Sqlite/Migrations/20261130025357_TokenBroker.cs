using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProcoreAdmin.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TokenBroker : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BrokerGrants",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MachineClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CredentialSetId = table.Column<long>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LastIssuedUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BrokerGrants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BrokerGrants_CredentialSets_CredentialSetId",
                        column: x => x.CredentialSetId,
                        principalTable: "CredentialSets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "BrokerGrantCompanies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    GrantId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProcoreCompanyId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BrokerGrantCompanies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BrokerGrantCompanies_BrokerGrants_GrantId",
                        column: x => x.GrantId,
                        principalTable: "BrokerGrants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "BrokerIssuanceDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    GrantId = table.Column<long>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BrokerIssuanceDays", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BrokerIssuanceDays_BrokerGrants_GrantId",
                        column: x => x.GrantId,
                        principalTable: "BrokerGrants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BrokerGrantCompanies_GrantId_ProcoreCompanyId",
                table: "BrokerGrantCompanies",
                columns: new[] { "GrantId", "ProcoreCompanyId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BrokerGrants_CredentialSetId",
                table: "BrokerGrants",
                column: "CredentialSetId");

            migrationBuilder.CreateIndex(
                name: "IX_BrokerGrants_MachineClientId_CredentialSetId",
                table: "BrokerGrants",
                columns: new[] { "MachineClientId", "CredentialSetId" });

            migrationBuilder.CreateIndex(
                name: "IX_BrokerIssuanceDays_GrantId_Day",
                table: "BrokerIssuanceDays",
                columns: new[] { "GrantId", "Day" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BrokerGrantCompanies");

            migrationBuilder.DropTable(
                name: "BrokerIssuanceDays");

            migrationBuilder.DropTable(
                name: "BrokerGrants");
        }
    }
}

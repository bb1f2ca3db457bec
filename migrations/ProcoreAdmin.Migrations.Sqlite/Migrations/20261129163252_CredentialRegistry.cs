using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProcoreAdmin.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CredentialRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Companies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProcoreCompanyId = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Environment = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ArchivedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Companies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CredentialKeyMaterial",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Protected = table.Column<byte[]>(type: "BLOB", maxLength: 4000, nullable: false),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialKeyMaterial", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "CredentialSets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Environment = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CustomLoginBaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CustomApiBaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Owners = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    RotationIntervalDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    LastVerifiedRotationUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastCheckUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastCheckOutcome = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    LastCheckSummary = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LastObservedCompanyIds = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialSets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CredentialSecrets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PublicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CredentialSetId = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "BLOB", maxLength: 4000, nullable: false),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedBySubject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    RetiredUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialSecrets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CredentialSecrets_CredentialSets_CredentialSetId",
                        column: x => x.CredentialSetId,
                        principalTable: "CredentialSets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Installations",
                columns: table => new
                {
                    CredentialSetId = table.Column<long>(type: "INTEGER", nullable: false),
                    CompanyId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastOutcome = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    LastMessage = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastCheckUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Observed = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Installations", x => new { x.CredentialSetId, x.CompanyId });
                    table.ForeignKey(
                        name: "FK_Installations_Companies_CompanyId",
                        column: x => x.CompanyId,
                        principalTable: "Companies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Installations_CredentialSets_CredentialSetId",
                        column: x => x.CredentialSetId,
                        principalTable: "CredentialSets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Companies_Environment_ProcoreCompanyId",
                table: "Companies",
                columns: new[] { "Environment", "ProcoreCompanyId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Companies_Name",
                table: "Companies",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_CredentialSecrets_CredentialSetId_State",
                table: "CredentialSecrets",
                columns: new[] { "CredentialSetId", "State" },
                unique: true,
                filter: "State <> 'Retired'");

            migrationBuilder.CreateIndex(
                name: "IX_CredentialSecrets_KeyId",
                table: "CredentialSecrets",
                column: "KeyId");

            migrationBuilder.CreateIndex(
                name: "IX_CredentialSecrets_PublicId",
                table: "CredentialSecrets",
                column: "PublicId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CredentialSets_Environment_ClientId",
                table: "CredentialSets",
                columns: new[] { "Environment", "ClientId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CredentialSets_Status",
                table: "CredentialSets",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_Installations_CompanyId",
                table: "Installations",
                column: "CompanyId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CredentialKeyMaterial");

            migrationBuilder.DropTable(
                name: "CredentialSecrets");

            migrationBuilder.DropTable(
                name: "Installations");

            migrationBuilder.DropTable(
                name: "Companies");

            migrationBuilder.DropTable(
                name: "CredentialSets");
        }
    }
}

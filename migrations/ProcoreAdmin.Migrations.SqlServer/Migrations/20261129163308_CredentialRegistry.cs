using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProcoreAdmin.Migrations.SqlServer.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ProcoreCompanyId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Environment = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Notes = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ArchivedUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Version = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Companies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CredentialKeyMaterial",
                columns: table => new
                {
                    Name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Protected = table.Column<byte[]>(type: "varbinary(4000)", maxLength: 4000, nullable: false),
                    KeyId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialKeyMaterial", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "CredentialSets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Label = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Environment = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ClientId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    CustomLoginBaseUrl = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CustomApiBaseUrl = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Owners = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: true),
                    Notes = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    RotationIntervalDays = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(30)", maxLength: 30, nullable: false),
                    LastVerifiedRotationUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    UpdatedUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastCheckUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastCheckOutcome = table.Column<string>(type: "nvarchar(30)", maxLength: 30, nullable: true),
                    LastCheckSummary = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    LastObservedCompanyIds = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialSets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CredentialSecrets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    PublicId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    CredentialSetId = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "varbinary(4000)", maxLength: 4000, nullable: false),
                    KeyId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Fingerprint = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    CreatedBySubject = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    RetiredUtc = table.Column<DateTime>(type: "datetime2", nullable: true)
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
                    CredentialSetId = table.Column<long>(type: "bigint", nullable: false),
                    CompanyId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastOutcome = table.Column<string>(type: "nvarchar(30)", maxLength: 30, nullable: true),
                    LastMessage = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    LastCheckUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Observed = table.Column<bool>(type: "bit", nullable: true)
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

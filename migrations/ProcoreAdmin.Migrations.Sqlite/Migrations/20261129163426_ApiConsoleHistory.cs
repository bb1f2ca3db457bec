using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProcoreAdmin.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ApiConsoleHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiConsoleCalls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OccurredUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ActorIssuer = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ActorSubject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CredentialId = table.Column<long>(type: "INTEGER", nullable: false),
                    CredentialLabel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ProcoreCompanyId = table.Column<long>(type: "INTEGER", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CompanyHeaderSent = table.Column<bool>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    ErrorKind = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    RoundTripMs = table.Column<int>(type: "INTEGER", nullable: true),
                    TokenMs = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiConsoleCalls", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiConsoleCalls_ActorIssuer_ActorSubject_Id",
                table: "ApiConsoleCalls",
                columns: new[] { "ActorIssuer", "ActorSubject", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiConsoleCalls_OccurredUtc",
                table: "ApiConsoleCalls",
                column: "OccurredUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiConsoleCalls");
        }
    }
}

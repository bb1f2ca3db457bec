using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProcoreAdmin.Migrations.SqlServer.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    OccurredUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ActorIssuer = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: false),
                    ActorSubject = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ActorName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    CredentialId = table.Column<long>(type: "bigint", nullable: false),
                    CredentialLabel = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ProcoreCompanyId = table.Column<long>(type: "bigint", nullable: false),
                    Method = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    Path = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    CompanyHeaderSent = table.Column<bool>(type: "bit", nullable: false),
                    StatusCode = table.Column<int>(type: "int", nullable: true),
                    ErrorKind = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: true),
                    RequestId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    RoundTripMs = table.Column<int>(type: "int", nullable: true),
                    TokenMs = table.Column<int>(type: "int", nullable: true)
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

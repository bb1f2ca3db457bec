using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ProcoreAdmin.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CredentialMonthlySandbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CoversMonthlySandbox",
                table: "CredentialSets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "CustomMonthlyApiBaseUrl",
                table: "CredentialSets",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CustomMonthlyLoginBaseUrl",
                table: "CredentialSets",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MonthlyLastCheckOutcome",
                table: "CredentialSets",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MonthlyLastCheckSummary",
                table: "CredentialSets",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "MonthlyLastCheckUtc",
                table: "CredentialSets",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CoversMonthlySandbox",
                table: "CredentialSets");

            migrationBuilder.DropColumn(
                name: "CustomMonthlyApiBaseUrl",
                table: "CredentialSets");

            migrationBuilder.DropColumn(
                name: "CustomMonthlyLoginBaseUrl",
                table: "CredentialSets");

            migrationBuilder.DropColumn(
                name: "MonthlyLastCheckOutcome",
                table: "CredentialSets");

            migrationBuilder.DropColumn(
                name: "MonthlyLastCheckSummary",
                table: "CredentialSets");

            migrationBuilder.DropColumn(
                name: "MonthlyLastCheckUtc",
                table: "CredentialSets");
        }
    }
}

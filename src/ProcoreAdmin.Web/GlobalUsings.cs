// Cross-feature pieces live in ProcoreAdmin.Web.Shared; every feature may use them without a using line.
global using ProcoreAdmin.Web.Shared;

-- ProcoreAdmin on SQL Server: make the audit trail append-only for the application's database user.
--
-- Run once per database as a database owner, after the migrations have created dbo.AuditEvents, with @app set to the
-- database user that the app's login maps to. The app then reads and writes everything it needs, but any UPDATE or
-- DELETE on dbo.AuditEvents (and ALTER, which TRUNCATE needs) fails with "permission denied".
--
-- DENY does not bind the database owner (dbo) or members of db_owner, so the app must connect with its own login that
-- is neither; apply migrations with a separate privileged login (Database__MigrateOnStartup=false for the app).
SET NOCOUNT ON;
DECLARE @app sysname = N'procoreadmin_app';

IF DATABASE_PRINCIPAL_ID(@app) IS NULL
    THROW 50000, N'Create the application user first: CREATE USER [procoreadmin_app] FOR LOGIN [procoreadmin_app];', 1;
IF IS_ROLEMEMBER(N'db_owner', @app) = 1 OR IS_ROLEMEMBER(N'db_ddladmin', @app) = 1 OR @app = N'dbo'
    THROW 50001, N'The application user must not be dbo, db_owner or db_ddladmin: they are not bound by DENY.', 1;
IF OBJECT_ID(N'dbo.AuditEvents', N'U') IS NULL
    THROW 50002, N'dbo.AuditEvents does not exist yet: apply the migrations first.', 1;

DECLARE @sql nvarchar(max) =
      N'ALTER ROLE db_datareader ADD MEMBER ' + QUOTENAME(@app) + N'; '
    + N'ALTER ROLE db_datawriter ADD MEMBER ' + QUOTENAME(@app) + N'; '
    + N'DENY UPDATE, DELETE, ALTER, TAKE OWNERSHIP, CONTROL ON OBJECT::dbo.AuditEvents TO ' + QUOTENAME(@app) + N';';
EXEC sys.sp_executesql @sql;

-- What the user may do on the audit table now (expect INSERT and SELECT, no UPDATE or DELETE).
SELECT permission_name, state_desc
FROM sys.database_permissions
WHERE major_id = OBJECT_ID(N'dbo.AuditEvents') AND grantee_principal_id = DATABASE_PRINCIPAL_ID(@app);

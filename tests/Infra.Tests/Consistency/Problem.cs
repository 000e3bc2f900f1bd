namespace Infra.Tests.Consistency;

/// <summary>One inconsistency between the apps' manifests and the Bicep.</summary>
public sealed record Problem(string Code, string App, string Message)
{
    public override string ToString() => $"{Code} [{App}] {Message}";
}

/// <summary>Stable problem codes, so negative tests assert the rule that fired and not just "something".</summary>
public static class ProblemCodes
{
    public const string ManifestMissing = "manifest-missing";
    public const string AppListUnreadable = "app-list-unreadable";
    public const string MissingApp = "missing-app";
    public const string StaleApp = "stale-app";
    public const string DuplicateApp = "duplicate-app";
    public const string FolderMismatch = "folder-mismatch";
    public const string NoFunctionApp = "no-function-app";
    public const string NoGatewayApi = "no-gateway-api";
    public const string UndeclaredQueue = "undeclared-queue";
    public const string UndeclaredBlobContainer = "undeclared-blob-container";
    public const string UndeclaredCosmosContainer = "undeclared-cosmos-container";
    public const string CosmosTtlMismatch = "cosmos-ttl-mismatch";
    public const string UndeclaredHub = "undeclared-hub";
    public const string MissingSetting = "missing-setting";
    public const string InvalidSetting = "invalid-setting";
    public const string MissingKeyVault = "missing-key-vault";
    public const string UnknownSettingSource = "unknown-setting-source";
    public const string MissingRole = "missing-role";
    public const string MissingEventGridWiring = "missing-eventgrid-wiring";
    public const string SharedDeploymentContainer = "shared-deployment-container";
}

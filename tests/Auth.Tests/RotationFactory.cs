namespace Auth.Tests;

/// <summary>
/// An auth app with its own database: classes that rotate or revoke signing keys change the one key ring of
/// their database, so they must not share it with classes holding tokens.
/// </summary>
public sealed class RotationFactory() : AuthFactory(
    new Dictionary<string, string?>
    {
        // A rotated-in key must be picked up at once, not after the production throttle.
        ["HitAuth:UnknownKidRefreshInterval"] = "00:00:00",
        ["Auth:KeyRingCacheDuration"] = "00:00:00",
    },
    "hit-auth-rotation-" + Guid.NewGuid().ToString("N")[..12]);

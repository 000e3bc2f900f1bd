using Hit.Contracts.Auth;

namespace Hit.Email.Templates;

/// <summary>
/// The templates the auth app's queue messages name (<see cref="AuthEmailMessage.Templates"/>). A namespace overrides
/// one by storing a template under the same name; deleting it brings the built-in back.
/// </summary>
internal static class BuiltInTemplates
{
    public static readonly IReadOnlyDictionary<string, TemplateParts> All = new Dictionary<string, TemplateParts>(StringComparer.Ordinal)
    {
        [AuthEmailMessage.Templates.VerifyEmail] = new(
            "Confirm your email address",
            """
            <!doctype html>
            <html><body style="font-family: sans-serif">
            <p>Please confirm your email address by opening this link:</p>
            <p><a href="{{link}}">Confirm my email address</a></p>
            <p>The link works once and expires at {{expiresAt}}. If you did not create an account, ignore this mail.</p>
            </body></html>
            """,
            """
            Please confirm your email address by opening this link:

            {{link}}

            The link works once and expires at {{expiresAt}}. If you did not create an account, ignore this mail.
            """),
        [AuthEmailMessage.Templates.PasswordReset] = new(
            "Reset your password",
            """
            <!doctype html>
            <html><body style="font-family: sans-serif">
            <p>Someone asked to reset the password of your account. To choose a new password, open this link:</p>
            <p><a href="{{link}}">Reset my password</a></p>
            <p>The link works once and expires at {{expiresAt}}. If it was not you, ignore this mail: your password stays as it is.</p>
            </body></html>
            """,
            """
            Someone asked to reset the password of your account. To choose a new password, open this link:

            {{link}}

            The link works once and expires at {{expiresAt}}. If it was not you, ignore this mail: your password stays as it is.
            """),
    };
}

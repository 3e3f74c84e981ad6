using Microsoft.AspNetCore.Identity;
using Portal.Domain.Common;

namespace Portal.Domain.Identity;

public static class IdentitySettings
{
    /// <summary>Password, lockout and user rules for local accounts. Length beats composition rules.</summary>
    public static void Configure(IdentityOptions options)
    {
        options.Password.RequiredLength = Limits.PasswordMinLength;
        options.Password.RequiredUniqueChars = 4;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = Limits.MaxFailedSignIns;
        options.Lockout.DefaultLockoutTimeSpan = Limits.LockoutDuration;
        options.User.RequireUniqueEmail = true;
        options.SignIn.RequireConfirmedAccount = false;
    }
}

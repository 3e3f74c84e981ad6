using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Identity;

/// <summary>Configuration section <c>BootstrapAdmin</c>: the first platform admin, used only while none exists.</summary>
public sealed class BootstrapAdminOptions
{
    public const string Section = "BootstrapAdmin";
    public string Email { get; set; } = "admin@portal.local";
    /// <summary>When empty, a password is generated and shown once on the console.</summary>
    public string? Password { get; set; }
}

/// <summary>The account that was created, and the generated password when none was configured.</summary>
public sealed record BootstrapAdminCreated(string Email, string? GeneratedPassword);

public static class BootstrapAdmin
{
    /// <summary>Creates the first platform admin when the database has none; returns null when one exists.</summary>
    public static async Task<BootstrapAdminCreated?> EnsureAsync(IServiceProvider services, BootstrapAdminOptions options, TimeProvider clock)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (await db.Users.AnyAsync(u => u.PlatformRole == PlatformRole.Admin))
            return null;

        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var generated = string.IsNullOrEmpty(options.Password) ? GeneratePassword() : null;
        var existing = await users.FindByEmailAsync(options.Email);
        if (existing is not null)
        {
            // The configured address already has an account: promote it rather than fail start-up.
            existing.PlatformRole = PlatformRole.Admin;
            Check(await users.UpdateAsync(existing));
            if (generated is not null || options.Password is not null)
            {
                Check(await users.RemovePasswordAsync(existing));
                Check(await users.AddPasswordAsync(existing, generated ?? options.Password!));
            }
            return new BootstrapAdminCreated(options.Email, generated);
        }

        var admin = new PortalUser
        {
            UserName = options.Email,
            Email = options.Email,
            EmailConfirmed = true,
            DisplayName = "Administrator",
            PlatformRole = PlatformRole.Admin,
            CreatedAt = clock.GetUtcNow(),
        };
        Check(await users.CreateAsync(admin, generated ?? options.Password!));
        return new BootstrapAdminCreated(options.Email, generated);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("The bootstrap admin account could not be set up: " +
                string.Join(" ", result.Errors.Select(e => e.Description)) + " Check BootstrapAdmin:Email and BootstrapAdmin:Password.");
    }

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return string.Create(20, alphabet, (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
        });
    }
}

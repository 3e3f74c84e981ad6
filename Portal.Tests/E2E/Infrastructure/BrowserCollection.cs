namespace Portal.Tests.E2E.Infrastructure;

/// <summary>
/// Every browser test class runs in this one collection, so one portal and one Chromium work at a time. On the two
/// cores this suite runs on, two portals with their browsers at once starve each other's Blazor circuits and make
/// waits time out; one after another they stay quick (the rest of the suite still runs beside them).
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}

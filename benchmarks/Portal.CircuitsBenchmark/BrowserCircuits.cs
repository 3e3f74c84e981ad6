using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.CircuitsBenchmark;

/// <summary>How the benchmark finds things on the cluster list; overridable from the command line (see Program).</summary>
internal sealed record PageSelectors(Regex NextButton, Regex PreviousButton, string RowLink)
{
    /// <summary>
    /// MudBlazor's MudDataGridPager names its icon buttons by aria-label "Next page" / "Previous page"; the grid of the
    /// baseline run (benchmarks/results) said "Go to next page." / "Go to previous page.". Both match,
    /// case-insensitively, and no other pager button ("Go to page 2.", "Go to last page.") does.
    /// </summary>
    public const string DefaultNext = @"^\s*(go to )?next( page)?\.?\s*$";
    public const string DefaultPrevious = @"^\s*(go to )?prev(ious)?( page)?\.?\s*$";

    /// <summary>The first row's link: the app renders each cluster's name as a link to clusters/{id} inside the grid's table.</summary>
    public const string DefaultRowLink = "table a[href^='clusters/'], table a[href^='/clusters/']";
}

/// <summary>
/// One headless Debian Chromium driven by Playwright, holding signed-in pages on /clusters. Pages are spread over
/// browser contexts (<c>pagesPerContext</c> each), all created from the storage state (cookies) of one sign-in.
/// </summary>
internal sealed class BrowserCircuits : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string LiveCircuitSelector = "#portal-circuit[data-interactive='true']";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        // Every page must keep its circuit alive and its timers running while it is not the focused one.
        "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows",
        "--disable-renderer-backgrounding",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _baseUrl;
    private readonly PageSelectors _selectors;
    private readonly int _pagesPerContext;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<IPage> _pages = [];
    private string? _storageState;

    private BrowserCircuits(IPlaywright playwright, IBrowser browser, string baseUrl, PageSelectors selectors, int pagesPerContext)
    {
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
        _selectors = selectors;
        _pagesPerContext = pagesPerContext;
    }

    public IReadOnlyList<IPage> Pages => _pages;
    public int Contexts => _contexts.Count;
    public string BrowserVersion => _browser.Version;

    public static async Task<BrowserCircuits> LaunchAsync(string baseUrl, PageSelectors selectors, int pagesPerContext)
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (benchmarks/run-circuits.sh does as root).");
        // Playwright must never fetch its own browser builds.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_VALIDATE_HOST_REQUIREMENTS", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        return new BrowserCircuits(playwright, browser, baseUrl, selectors, pagesPerContext);
    }

    /// <summary>Signs in through /account/login once and keeps the storage state (the auth cookie) for every later context.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await using var context = await NewContextAsync(null);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.Locator(LiveCircuitSelector).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        _storageState = await context.StorageStateAsync();
        // Leave through a navigation so the page's circuit is disposed now (Blazor says goodbye on unload).
        await page.GotoAsync("about:blank");
        await context.CloseAsync();
    }

    /// <summary>Opens <paramref name="count"/> more pages on /clusters, <paramref name="parallel"/> at a time, filling one context after another.</summary>
    public async Task OpenManyAsync(int count, int parallel)
    {
        // Contexts are created one at a time so that each holds pagesPerContext pages.
        for (var opened = 0; opened < count;)
        {
            var batch = Math.Min(parallel, count - opened);
            var roomInContext = _contexts.Count == 0 ? 0 : _contexts.Count * _pagesPerContext - _pages.Count;
            if (roomInContext == 0)
            {
                _contexts.Add(await NewContextAsync(_storageState ?? throw new InvalidOperationException("Sign in first.")));
                roomInContext = _pagesPerContext;
            }
            batch = Math.Min(batch, roomInContext);
            var context = _contexts[^1];
            await Task.WhenAll(Enumerable.Range(0, batch).Select(async _ =>
            {
                var page = await context.NewPageAsync();
                lock (_pages) _pages.Add(page);
                await GotoClustersAsync(page);
            }));
            opened += batch;
        }
    }

    /// <summary>
    /// The control for Playwright's own .NET objects: <paramref name="count"/> anonymous pages on the static sign-in page
    /// (the portal's stylesheets and scripts load, no circuit starts), in one new context; the caller closes it.
    /// </summary>
    public async Task<IBrowserContext> OpenSignInPagesAsync(int count)
    {
        var context = await NewContextAsync(null);
        for (var i = 0; i < count; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/login", new() { WaitUntil = WaitUntilState.Load });
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).WaitForAsync();
        }
        return context;
    }

    /// <summary>Opens one page on /clusters in a context of its own, for warming up; the caller closes it.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> OpenStandaloneAsync()
    {
        var context = await NewContextAsync(_storageState ?? throw new InvalidOperationException("Sign in first."));
        var page = await context.NewPageAsync();
        await GotoClustersAsync(page);
        return (context, page);
    }

    /// <summary>Navigates every page to about:blank (Blazor disposes a circuit on unload), <paramref name="parallel"/> at a time.</summary>
    public async Task LeaveAllAsync(int parallel)
    {
        using var gate = new SemaphoreSlim(parallel * 2);
        await Task.WhenAll(_pages.Select(async page =>
        {
            await gate.WaitAsync();
            try
            {
                await page.GotoAsync("about:blank");
            }
            catch (PlaywrightException)
            {
                // Closing the browser ends it anyway.
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>How many open pages still show a live circuit marker and grid rows; how many of them the browser reports visible.</summary>
    public async Task<(int Healthy, int Visible)> CountHealthyAsync()
    {
        var healthy = 0;
        var visible = 0;
        foreach (var page in _pages)
        {
            if (await page.Locator(LiveCircuitSelector).CountAsync() == 1 && await page.Locator(_selectors.RowLink).CountAsync() > 0)
                healthy++;
            if (await page.EvaluateAsync<string>("() => document.visibilityState") == "visible")
                visible++;
        }
        return (healthy, visible);
    }

    private async Task GotoClustersAsync(IPage page)
    {
        await page.GotoAsync("/clusters", new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 120_000 });
        await page.Locator(LiveCircuitSelector).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 120_000 });
        await page.Locator(_selectors.RowLink).First.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 120_000 });
    }

    private async Task<IBrowserContext> NewContextAsync(string? storageState)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
            StorageState = storageState,
        });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(120_000);
        return context;
    }

    /// <summary>The grid's next- and previous-page buttons (role button, or link, by accessible name).</summary>
    public (ILocator Next, ILocator Previous) PagerButtons(IPage page) =>
        (Named(page, _selectors.NextButton), Named(page, _selectors.PreviousButton));

    /// <summary>What the selectors found on <paramref name="page"/>: the pager buttons' and the first row link's markup.</summary>
    public async Task<IReadOnlyList<string>> DescribeAsync(IPage page)
    {
        var (next, previous) = PagerButtons(page);
        var lines = new List<string>();
        foreach (var (name, locator) in new[] { ("next-page button", next), ("previous-page button", previous), ("first row link", page.Locator(_selectors.RowLink).First) })
        {
            lines.Add(await locator.CountAsync() == 0
                ? $"{name}: NOT FOUND"
                : $"{name}: {await locator.EvaluateAsync<string>("e => e.outerHTML.replace(/\\s+/g, ' ').slice(0, 240)")}");
        }
        if (lines.Any(l => l.EndsWith("NOT FOUND", StringComparison.Ordinal)))
        {
            // Help whoever adapts the selectors: the grid's pager as rendered.
            var pager = await page.EvaluateAsync<string?>("""
                () => {
                    const p = [...document.querySelectorAll('[class*="pag"]')].find(e => [...e.classList].some(c => /(^|-)(pager|pagination)$/i.test(c) && !/has-/i.test(c)));
                    return p ? p.outerHTML.replace(/\s+/g, ' ').slice(0, 4000) : null;
                }
                """);
            lines.Add($"pager markup: {pager ?? "(no element with a class ending in 'pager' or 'pagination')"}");
        }
        return lines;
    }

    private static ILocator Named(IPage page, Regex name) =>
        page.GetByRole(AriaRole.Button, new() { NameRegex = name }).Or(page.GetByRole(AriaRole.Link, new() { NameRegex = name })).First;

    /// <summary>
    /// Clicks the grid's next-page button, then previous, alternately, <paramref name="clicks"/> times (an even count returns
    /// to the first page). Each click is a real Playwright click (mouse input); the time is taken inside the page from
    /// the click event's dispatch (a capture listener on document) until a MutationObserver sees the first row's link
    /// text change, i.e. until the server's re-rendered rows are in the DOM (painting excluded). Also returned: the
    /// same interval as seen from .NET (the click call until the change was reported back), which adds Playwright's
    /// round trips.
    /// </summary>
    public async Task<ClickTimes> MeasureClicksAsync(IPage page, int clicks, TimeSpan pause)
    {
        var (next, previous) = PagerButtons(page);
        foreach (var (button, name) in new[] { (next, "next"), (previous, "previous") })
        {
            if (await button.CountAsync() == 0)
                throw new InvalidOperationException($"No {name}-page button on {page.Url} matches /{(name == "next" ? _selectors.NextButton : _selectors.PreviousButton)}/i " +
                    "(role button or link, by accessible name). Pass --next-button/--previous-button with a regex for this grid's pager.");
        }

        // The clicked page is the one in front, as a person's would be (the others stay live in the background).
        await page.BringToFrontAsync();
        var inPage = new List<double>(clicks);
        var roundTrip = new List<double>(clicks);
        for (var i = 0; i < clicks; i++)
        {
            var button = i % 2 == 0 ? next : previous;
            await button.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            var before = await page.EvaluateAsync<string?>(ArmScript, _selectors.RowLink);
            var started = Stopwatch.GetTimestamp();
            await button.ClickAsync();
            var result = await page.EvaluateAsync<JsonElement>("() => window.__circuitBench");
            var elapsed = Stopwatch.GetElapsedTime(started);
            var ms = result.GetProperty("ms").GetDouble();
            if (ms < 0)
                throw new TimeoutException($"Click {i + 1} ({(i % 2 == 0 ? "next" : "previous")}) on {page.Url}: the first row still reads '{before}' " +
                    $"after {result.GetProperty("timeoutMs").GetInt32()} ms{(result.GetProperty("clicked").GetBoolean() ? "" : " (and no click event reached the page)")}.");
            inPage.Add(ms);
            roundTrip.Add(elapsed.TotalMilliseconds);
            await Task.Delay(pause);
        }
        return new ClickTimes(inPage, roundTrip);
    }

    /// <summary>
    /// Arms the in-page stopwatch: returns the first row's text now, and leaves window.__circuitBench, a promise of
    /// { ms, clicked } that settles once, after a click, the first row's link text differs (ms = -1 after 30 s).
    /// </summary>
    private const string ArmScript = """
        (rowSelector) => {
            const text = () => { const a = document.querySelector(rowSelector); return a ? (a.textContent || '').trim() : null; };
            const before = text();
            const state = { t0: null };
            const timeoutMs = 30000;
            window.__circuitBench = new Promise((resolve) => {
                const onClick = () => { if (state.t0 === null) state.t0 = performance.now(); };
                document.addEventListener('click', onClick, { capture: true });
                let observer = null;
                const finish = (value) => {
                    if (observer) observer.disconnect();
                    document.removeEventListener('click', onClick, { capture: true });
                    clearTimeout(timer);
                    resolve(value);
                };
                const check = () => {
                    if (state.t0 === null) return;
                    const now = text();
                    if (now !== null && now !== before) finish({ ms: performance.now() - state.t0, clicked: true, timeoutMs });
                };
                observer = new MutationObserver(check);
                observer.observe(document.body, { subtree: true, childList: true, characterData: true });
                const timer = setTimeout(() => finish({ ms: -1, clicked: state.t0 !== null, timeoutMs }), timeoutMs);
            });
            return before;
        }
        """;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // Already gone.
        }
        _playwright.Dispose();
    }
}

internal sealed record ClickTimes(IReadOnlyList<double> InPageMs, IReadOnlyList<double> RoundTripMs);

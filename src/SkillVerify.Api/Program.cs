using Microsoft.Extensions.Options;
using SkillVerify.Api.Admin;
using SkillVerify.Api.Caching;
using SkillVerify.Api.Credentials;
using SkillVerify.Api.Deployment;
using SkillVerify.Api.Hardening;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.OpenApi;
using SkillVerify.Api.Pages;
using SkillVerify.Api.Partners;
using SkillVerify.Api.Qr;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Registry;
using SkillVerify.Api.Security;
using SkillVerify.Api.Signing;
using SkillVerify.Api.Verification;

// The container's HEALTHCHECK: the runtime image has no curl, so the app probes itself.
if (args.Contains(HealthProbe.Switch))
{
    Environment.ExitCode = await HealthProbe.RunAsync();
    return;
}

var builder = WebApplication.CreateBuilder(args);

// appsettings.json from the binary's folder too, when the service is started from another working directory.
builder.AddShippedSettings();

// Secrets (hash key, admin keys, signing keys) may come from a mounted folder of files.
builder.AddSecretFiles();

// Database (SQLite embedded default, or a configured server), holder-hash key, code rules.
builder.AddStorage();
// Records cached in process (bounded) and in Redis when configured; output cache; invalidations across instances.
builder.AddCaching();
// The verification path: record cache, checks, answers; codes of peer provinces forwarded (跨区域互认) with timeout, retries, circuit breaker.
builder.AddVerification();
// Registry lookups and search (their JSON contracts; the records come through the record cache).
builder.AddRegistry();
// Admin / issuing-body API keys (X-Api-Key), and the admin write endpoints' JSON contracts.
builder.AddAdminKeys();
builder.AddAdmin();
// QR tokens and links, and the signing keys of offline QR payloads (published as JWKS).
builder.AddQr();
// Partner keys for other provinces (X-Api-Key, stored as hashes), batch checks, the signed-receipt seam.
builder.AddPartners();
// Electronic certificates (SD-JWT VC), their status list and did:web document (docs/credentials.md).
builder.AddCredentials();
// Per-address and per-partner request limits, shared through Redis when configured.
builder.AddRateLimits();
// Pages for people (Razor components rendered on the server): home, result, organizations, report, receipts, spreadsheet.
builder.AddPages();
// JSON with source generation, problem details with stable codes.
builder.AddApiPlumbing();
// The OpenAPI document: security scheme, shared answers, vocabularies, examples, words in Chinese and English.
builder.AddApiDocument();
// Metrics, traces, JSON logs, verification counters and audit records; wraps the store, so after AddStorage.
builder.AddObservability();
// Kestrel limits, CORS closed by default, trusted proxies, HSTS when configured.
builder.AddHardening();

var app = builder.Build();

// Security headers and the URL limit on every response, errors included.
app.UseHardening();

// Problem details for every error: no stack trace ever reaches a caller.
app.UseExceptionHandler();
app.UseStatusCodePages();
// Limits per client address (from trusted proxies only, see UseHardening) and per partner key: 429 + Retry-After.
app.UseRateLimits();
// Public, personal-data-free GETs (decode, levels, registry) served from the output cache.
app.UseOutputCache();

app.MapHealth();
// Prometheus scrape endpoint (/metrics), only on the management host (Observability:MetricsHost).
app.MapObservability();
app.MapVerification();
app.MapRegistry();
app.MapAdmin();
app.MapSigningKeys();
app.MapQr();
app.MapPartners();
app.MapCredentials();
// The OpenAPI document, its /docs page and the /problems page every problem type points to.
app.MapApiDocument();
// Pages for people; / is the home page.
app.MapPages();

try
{
    // Every ValidateOnStart check, now, so a wrong setting is reported before the host logs anything.
    app.Services.GetService<IStartupValidator>()?.Validate();
    // Schema, key check, demo data, partner keys; with the database down the service starts not-ready and retries.
    await app.InitializeStorageAsync(app.InitializePartnersAsync);
    // Runs; a demo bound beyond loopback without Demo:ListenBeyondLoopback stops at once (exit code 2).
    await app.RunDemoGuardedAsync();
}
catch (OptionsValidationException ex)
{
    // A wrong setting stops the service with a sentence that names it, not a stack trace.
    Console.Error.WriteLine("SkillVerify cannot start: " + string.Join(" ", ex.Failures));
    Environment.ExitCode = 2;
}

public partial class Program;

// The container's HEALTHCHECK: the runtime image has no curl, so the app probes itself.
if (args.Contains(HealthProbe.Switch))
{
    Environment.ExitCode = await HealthProbe.RunAsync();
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddShippedSettings();   // appsettings.json from the binary's folder, whatever the working directory
builder.AddSecretFiles();       // hash key, admin and signing keys may come from a mounted folder of files
builder.AddStorage();           // database (SQLite by default, or a server), holder-hash key, code rules
builder.AddCaching();           // FusionCache: records in process, Redis L2 + backplane when configured; output cache
builder.AddVerification();      // the verification path; codes of peer provinces forwarded (跨区域互认)
builder.AddRegistry();          // registry lookups and search
builder.AddApiKeys();           // X-Api-Key (admin, issuing body, partner) as one scheme, and the policies groups require
builder.AddAdmin();             // the admin write endpoints
builder.AddQr();                // QR tokens, links and the signing keys of offline payloads (JWKS)
builder.AddPartners();          // batch checks for other provinces, signed receipts
builder.AddCredentials();       // electronic certificates (SD-JWT VC), status list, did:web
builder.AddRateLimits();        // ASP.NET Core's limiter, shared through Redis when configured
builder.AddPages();             // pages for people (Razor components rendered on the server)
builder.AddApiPlumbing();       // JSON source generation, problem details with stable codes
builder.AddApiDocument();       // the OpenAPI document, words in Chinese and English
builder.AddObservability();     // metrics, traces, JSON logs, audit records; wraps the store, so after AddStorage
builder.AddHardening();         // Kestrel limits, CORS closed, trusted proxies, HSTS when configured

var app = builder.Build();
app.UseHardening();             // security headers and the URL limit on every response, errors included
app.UseExceptionHandler();      // problem details for every error: no stack trace reaches a caller
app.UseStatusCodePages();
app.UseAuthentication();        // who calls (X-Api-Key), before the limiter: a partner counts on its own quota
app.UseRateLimits();            // per client address (trusted proxies only) and per partner: 429 + Retry-After
app.UseAuthorization();         // the groups' key policies; a refusal is a problem answer
app.UseOutputCache();           // public, personal-data-free GETs (levels, registry)

app.MapHealth();
app.MapObservability();         // /metrics, only on the management host
app.MapVerification();
app.MapRegistry();
app.MapAdmin();
app.MapSigningKeys();
app.MapQr();
app.MapPartners();
app.MapCredentials();
app.MapApiDocument();           // /openapi/v1.json, /docs and the /problems page
app.MapPages();                 // / is the home page
try
{
    app.Services.GetService<IStartupValidator>()?.Validate(); // every ValidateOnStart check before anything is logged
    await app.InitializeStorageAsync(app.InitializeApiKeysAsync); // schema, key check, demo data; retries while the database is down
    await app.RunDemoGuardedAsync(); // a demo bound beyond loopback without Demo:ListenBeyondLoopback stops (exit code 2)
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine("SkillVerify cannot start: " + string.Join(" ", ex.Failures)); // names the setting, no stack trace
    Environment.ExitCode = 2;
}

public partial class Program;

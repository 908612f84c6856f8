// Namespaces Program.cs wires together (eShop's Catalog.API keeps them in GlobalUsings.cs the same way).
global using Microsoft.Extensions.Options;
global using SkillVerify.Api.Admin;
global using SkillVerify.Api.Caching;
global using SkillVerify.Api.Credentials;
global using SkillVerify.Api.Deployment;
global using SkillVerify.Api.Hardening;
global using SkillVerify.Api.Infrastructure;
global using SkillVerify.Api.Observability;
global using SkillVerify.Api.OpenApi;
global using SkillVerify.Api.Pages;
global using SkillVerify.Api.Partners;
global using SkillVerify.Api.Qr;
global using SkillVerify.Api.RateLimiting;
global using SkillVerify.Api.Registry;
global using SkillVerify.Api.Security;
global using SkillVerify.Api.Signing;
global using SkillVerify.Api.Verification;

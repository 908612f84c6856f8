namespace SkillVerify.Api.OpenApi;

/// <summary>
/// How an authorization policy reads in the document: an operation whose route group requires
/// <see cref="Policy"/> takes an <c>X-Api-Key</c> (admin or partner), required or optional. Registered as a service
/// per policy; the document turns it into the operation's security requirement and its 400 (key in the URL) and 401 answers.
/// </summary>
public sealed record ApiKeyMetadata(string Policy, bool Required, string WhoZh, string WhoEn);

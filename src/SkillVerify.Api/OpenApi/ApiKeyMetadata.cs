namespace SkillVerify.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the operation takes an <c>X-Api-Key</c> (admin or partner), required or optional. The OpenAPI
/// document turns it into the operation's security requirement and its 400 (key in the URL) and 401 answers.
/// </summary>
public sealed record ApiKeyMetadata(bool Required, string WhoZh, string WhoEn);

namespace SkillVerify.Domain.Codes;

/// <summary>
/// Why a typed code was rejected or broke a rule: a stable machine code, the 1-based position
/// it concerns (0 when it concerns the whole input) and a sentence in Chinese and English.
/// Character errors count positions in the input as typed; structure errors and rule
/// violations count positions in the normalized code.
/// </summary>
public sealed record CodeError(string Code, int Position, string MessageZh, string MessageEn);

/// <summary>A rule the decoded code breaks, attributed to the verification check it belongs to.</summary>
public sealed record CodeViolation(string Check, string Code, int Position, string MessageZh, string MessageEn);

using System.Data;
using System.Globalization;
using Dapper;

namespace SkillVerify.Data;

/// <summary>
/// Dates and instants read back the same from every engine: SQLite returns ISO text, PostgreSQL and
/// SQL Server return DateTime. Registered once per process.
/// </summary>
public static class TypeHandlers
{
    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    /// <summary>A date as stored in text (SQLite): the first ten characters, yyyy-MM-dd.</summary>
    private static DateOnly ParseDate(ReadOnlySpan<char> text) =>
        DateOnly.ParseExact(text.Length > 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An instant as stored in text (SQLite): ISO 8601, UTC when no offset is written.</summary>
    private static DateTimeOffset ParseInstant(ReadOnlySpan<char> text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override DateOnly Parse(object value) => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            string s => ParseDate(s),
            _ => throw new InvalidCastException($"Cannot read a date from {value.GetType().Name}."),
        };

        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.Date;
            parameter.Value = value;
        }
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            string s => ParseInstant(s),
            _ => throw new InvalidCastException($"Cannot read an instant from {value.GetType().Name}."),
        };

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            // Stored in UTC everywhere, so text comparison in SQLite orders correctly.
            parameter.Value = value.ToUniversalTime();
        }
    }
}

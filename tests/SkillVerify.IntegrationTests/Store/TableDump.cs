using System.Globalization;
using Dapper;
using SkillVerify.Data;

namespace SkillVerify.IntegrationTests.Store;

/// <summary>A table's whole contents as text lines, ordered by key, comparable across runs and engines.</summary>
public static class TableDump
{
    public static async Task<List<string>> ReadAsync(SqlDialect dialect, TableSpec table, bool withTouched = true)
    {
        var columns = table.Columns.Where(c => withTouched || c.Name != table.Touched).ToList();
        var sql = $"SELECT {string.Join(", ", columns.Select(c => c.Name))} FROM {table.Name} ORDER BY {string.Join(", ", table.Key.Select(c => c.Name))}";
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync();
        await using var reader = await connection.ExecuteReaderAsync(sql);
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            var values = new string[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                values[i] = reader.IsDBNull(i) ? "∅" : reader.GetValue(i) switch
                {
                    byte[] b => Convert.ToHexString(b),
                    DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
                    DateTimeOffset d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                    var v => Convert.ToString(v, CultureInfo.InvariantCulture)!,
                };
            }
            lines.Add(string.Join(" | ", values));
        }
        return lines;
    }

    public static async Task<Dictionary<string, List<string>>> ReadAllAsync(SqlDialect dialect, bool withTouched = true)
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var table in Tables.All)
        {
            result[table.Name] = await ReadAsync(dialect, table, withTouched);
        }
        return result;
    }
}

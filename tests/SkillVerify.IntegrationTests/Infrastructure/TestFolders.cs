namespace SkillVerify.IntegrationTests.Infrastructure;

/// <summary>Temporary folders for a test's SQLite files and data, and their removal.</summary>
public static class TestFolders
{
    /// <summary>A fresh, unique path under the temp folder (not yet created).</summary>
    public static string New(string prefix = "") => Path.Combine(Path.GetTempPath(), "skillverify-tests", prefix + Guid.NewGuid().ToString("N"));

    /// <summary>The repository's root (the folder holding SkillVerify.sln), found from the test binaries upwards.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SkillVerify.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("SkillVerify.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Deletes a folder after closing pooled SQLite connections to its files.</summary>
    public static void Remove(string folder)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing request, or never created; the OS cleans the temp folder.
        }
    }
}

using System.CommandLine;
using SkillVerify.Cli;
using Spectre.Console;

// skillverify: migrate | import KIND FILE | generate | bench-lookups | keys create. Settings as the API reads them (CliSettings).
var provider = new Option<string?>("--provider") { Description = "sqlite | sqlserver | postgres (default: Database__Provider, else sqlite)", Recursive = true };
var connection = new Option<string?>("--connection") { Description = "Connection string (default: ConnectionStrings__SkillVerify)", Recursive = true };

var root = new RootCommand("SkillVerify operator tool: schema, bulk import and synthetic data for the certificate verification service.");
root.Options.Add(provider);
root.Options.Add(connection);
root.Subcommands.Add(Commands.Migrate(provider, connection));
root.Subcommands.Add(Commands.Import(provider, connection));
root.Subcommands.Add(Commands.Generate());
root.Subcommands.Add(Commands.BenchLookups(provider, connection));
root.Subcommands.Add(Commands.Keys(provider, connection));

try
{
    return await root.Parse(args).InvokeAsync();
}
catch (CliException e)
{
    AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
    return 2;
}

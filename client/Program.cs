using Engine.Client;
using Engine.Client.Commands;
using Engine.Client.Kafka;

if ((AdminSettings.Load() ?? KafkaClientSettings.Check()) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return ExitCodes.Usage;
}

var parseResult = EngineAdminCommand.Create().Parse(args);
var exitCode = await parseResult.InvokeAsync();

// System.CommandLine reports parse errors with exit code 1; usage errors are 2 here.
return parseResult.Errors.Count > 0 ? ExitCodes.Usage : exitCode;

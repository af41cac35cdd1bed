using Engine.Client;
using Engine.Client.Commands;

var parseResult = EngineAdminCommand.Create().Parse(args);
var exitCode = await parseResult.InvokeAsync();

// System.CommandLine reports parse errors with exit code 1; usage errors are 2 here.
return parseResult.Errors.Count > 0 ? ExitCodes.Usage : exitCode;

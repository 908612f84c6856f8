#!/usr/bin/env bash
# The one publish command: used by the Dockerfile and checked by the test command.
# The API into OUT, the operator CLI (skillverify) into OUT/cli.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/api}
dotnet publish src/SkillVerify.Api/SkillVerify.Api.csproj -c Release -o "$out" -p:UseAppHost=false
dotnet publish src/SkillVerify.Cli/SkillVerify.Cli.csproj -c Release -o "$out/cli" -p:UseAppHost=false

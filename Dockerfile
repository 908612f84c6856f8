# syntax=docker/dockerfile:1
# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user, with a read-only root
# filesystem. Configured entirely by environment (see docs/operations.md); never in demo mode, so it needs
# its real secrets (at least Privacy__HashKey) and refuses to start, naming the setting, without them:
#   docker build -t skillverify .
#   docker run --read-only --tmpfs /tmp -v skillverify-data:/data -p 8080:8080 -e Privacy__HashKey=… skillverify
#   docker run --rm --entrypoint skillverify -e Database__Provider=postgres -e ConnectionStrings__SkillVerify=... skillverify migrate
#                                   (the operator CLI is in the image as `skillverify`)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore in its own layer: it is rebuilt only when a project file or the package versions change, not on every
# source edit (a COPY . . before the restore made every build download every package again).
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/SkillVerify.Domain/SkillVerify.Domain.csproj src/SkillVerify.Domain/
COPY src/SkillVerify.Data/SkillVerify.Data.csproj src/SkillVerify.Data/
COPY src/SkillVerify.Api/SkillVerify.Api.csproj src/SkillVerify.Api/
COPY src/SkillVerify.Cli/SkillVerify.Cli.csproj src/SkillVerify.Cli/
RUN dotnet restore src/SkillVerify.Api/SkillVerify.Api.csproj && dotnet restore src/SkillVerify.Cli/SkillVerify.Cli.csproj
COPY . .
# The API into /app, the CLI into /app/cli (scripts/publish.sh, which the test command also runs).
RUN bash scripts/publish.sh /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The embedded SQLite file lives under /data (the one writable place); production sets Database__Provider,
# ConnectionStrings__SkillVerify and its secrets. Demo mode is off unless an operator sets it: the image never has the demo's data or keys.
# DOTNET_EnableDiagnostics=0: no diagnostic IPC socket or perf map files, so nothing is written outside /data
# and /tmp (TMPDIR; mount a tmpfs there with --read-only). Logs are JSON lines on stdout.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Database__DataDirectory=/data \
    Demo__Enabled=false \
    DOTNET_gcServer=0 \
    DOTNET_EnableDiagnostics=0 \
    DOTNET_NOLOGO=1 \
    TMPDIR=/tmp
# The PDF report embeds these TrueType fonts (Chinese: Droid Sans Fallback; Latin: DejaVu Sans); see docs/pages.md.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-droid-fallback fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# `skillverify …` on the PATH: the operator tool (migrate, import, template, keys) with the same settings as the API.
RUN mkdir -p /data && chown "$APP_UID" /data \
    && printf '#!/bin/sh
exec dotnet /app/cli/skillverify.dll "$@"
' > /usr/local/bin/skillverify \
    && chmod 755 /usr/local/bin/skillverify
VOLUME /data
USER $APP_UID
EXPOSE 8080
# The runtime image has no curl: the app probes its own /health/live (exit 0 healthy, 1 not).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "/app/SkillVerify.Api.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/SkillVerify.Api.dll"]

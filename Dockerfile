# syntax=docker/dockerfile:1
# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN bash scripts/publish.sh /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The embedded default keeps its SQLite file and demo key under /data; production sets
# Database__Provider and ConnectionStrings__SkillVerify instead.
ENV ASPNETCORE_URLS=http://+:8080 \
    Database__DataDirectory=/data \
    DOTNET_gcServer=0
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "SkillVerify.Api.dll"]

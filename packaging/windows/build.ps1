<#
.SYNOPSIS
  Build Live Console for Windows x64: the PyInstaller onedir, its self-test, and the Inno Setup
  installer dist\installers\LiveConsole-<version>-windows-x64-setup.exe.

.DESCRIPTION
  Run from anywhere:  powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Smoke]

  Needs Inno Setup 6.3 or newer (ISCC.exe; `choco upgrade innosetup` or winget JRSoftware.InnoSetup).

  Signing (optional, only when the certificate is provided):
    WINDOWS_CERT_PFX       path to a .pfx code-signing certificate, or its base64 text
    WINDOWS_CERT_PASSWORD  its password
    WINDOWS_TIMESTAMP_URL  RFC 3161 timestamp server (default http://timestamp.digicert.com)
  Both executables are signed before packing; Inno Setup then signs the installer and the
  uninstaller through its SignTool hook (SignToolName in live_console.iss).
#>
param(
  [switch]$Smoke,
  [string]$Python = ".venv\Scripts\python.exe"
)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

function Invoke-Checked([string]$What, [scriptblock]$Block) {
  & $Block
  if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)" }
}

# 1. Freeze: environment guards, PyInstaller, bundle audit (and the frozen demo with -Smoke).
$buildArgs = @()
if ($Smoke) { $buildArgs += "--smoke" }
Invoke-Checked "packaging\build.py" { & $Python packaging\build.py @buildArgs }
$version = (& $Python -c "import sys; sys.path.insert(0, 'packaging'); import bundle_config as c; print(c.app_version())").Trim()
Write-Host "[windows] Live Console $version"

# 2. The frozen app checks itself. live-console.exe is the console twin of the windowed exe.
$env:QT_QPA_PLATFORM = "offscreen"
Invoke-Checked "frozen self-test" { & dist\LiveConsole\live-console.exe --self-test }
Remove-Item Env:QT_QPA_PLATFORM

# 3. Find Inno Setup's compiler.
$iscc = $null
$found = Get-Command ISCC.exe -ErrorAction SilentlyContinue
if ($found) { $iscc = $found.Source }
foreach ($candidate in @(
    "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
    "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
    "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
  if (-not $iscc -and (Test-Path $candidate)) { $iscc = $candidate }
}
if (-not $iscc) { throw "Inno Setup 6 (ISCC.exe) not found: choco install innosetup" }

$isccArgs = @("/DAppVersion=$version")

# 4. Optional signing.
if ($env:WINDOWS_CERT_PFX) {
  $signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" -ErrorAction SilentlyContinue |
    Sort-Object FullName -Descending | Select-Object -First 1 -ExpandProperty FullName
  if (-not $signtool) { throw "WINDOWS_CERT_PFX is set but signtool.exe (Windows SDK) was not found" }
  $pfx = $env:WINDOWS_CERT_PFX
  if (-not (Test-Path $pfx)) {
    $pfx = Join-Path $env:RUNNER_TEMP "live-console-signing.pfx"
    if (-not $env:RUNNER_TEMP) { $pfx = Join-Path $env:TEMP "live-console-signing.pfx" }
    [IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_CERT_PFX))
  }
  $timestamp = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
  $password = $env:WINDOWS_CERT_PASSWORD
  Invoke-Checked "signtool (executables)" {
    & $signtool sign /fd sha256 /f $pfx /p $password /tr $timestamp /td sha256 `
      dist\LiveConsole\LiveConsole.exe dist\LiveConsole\live-console.exe
  }
  # Inno Setup's /S syntax: $q is a quote, $f the file it asks to sign.
  $command = "`$q$signtool`$q sign /fd sha256 /f `$q$pfx`$q /p `$q$password`$q /tr $timestamp /td sha256 `$f"
  $isccArgs += "/DSignToolName=livesign"
  $isccArgs += "/Slivesign=$command"
} else {
  Write-Host "[windows] WINDOWS_CERT_PFX not set: building an unsigned installer"
}

# 5. The installer.
Invoke-Checked "ISCC" { & $iscc @isccArgs packaging\windows\live_console.iss }
$setup = "dist\installers\LiveConsole-$version-windows-x64-setup.exe"
if (-not (Test-Path $setup)) { throw "installer not produced: $setup" }
Write-Host "[windows] $setup"

; Inno Setup 6 script for Live Console (Windows x64).
; Built by packaging/windows/build.ps1, which passes the version and, when a certificate is
; configured, the signing tool:
;   ISCC /DAppVersion=0.1.0 [/DSignToolName=livesign "/Slivesign=signtool.exe sign ... $f"] live_console.iss
; Per-user install by default (no admin prompt); "Install for all users" stays available through
; the dialog or /ALLUSERS on the command line.

#ifndef AppVersion
  #error AppVersion is not defined: run ISCC /DAppVersion=<console.__version__> (build.ps1 does).
#endif
#ifndef DistDir
  #define DistDir "..\..\dist\LiveConsole"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist\installers"
#endif

#define AppName "Live Console"
#define AppPublisher "Live Console"
#define AppExeName "LiveConsole.exe"
#define AppCliName "live-console.exe"

[Setup]
; Fixed forever: Windows recognises upgrades and the uninstaller by this id.
AppId={{7C1F3E5A-2B84-4D6E-9A53-0F8B6C2D41E7}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoProductVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=LiveConsole-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\live_console.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
#ifdef SignToolName
; Signing hook: build.ps1 defines SignToolName (and the /S tool command) only when
; WINDOWS_CERT_PFX is set, so unsigned developer builds need no certificate.
SignTool={#SignToolName}
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExeName}"
Name: "{group}\{#AppName} self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#AppCliName}"" --self-test"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

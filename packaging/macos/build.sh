#!/usr/bin/env bash
# Build LiveConsole.app (Apple Silicon) and dist/installers/LiveConsole-<version>-macos-arm64.dmg.
#
#   packaging/macos/build.sh            # from the repository root or anywhere
#
# Signing and notarisation happen only when their credentials are in the environment:
#   MACOS_SIGN_IDENTITY      "Developer ID Application: Example Ltd (TEAMID1234)" (in the keychain)
#   MACOS_NOTARY_PROFILE     a keychain profile made once with `xcrun notarytool store-credentials`
#   or MACOS_NOTARY_APPLE_ID + MACOS_NOTARY_TEAM_ID + MACOS_NOTARY_PASSWORD (app-specific password)
# Without them the app is ad-hoc signed: it runs on this Mac, Gatekeeper warns on others.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(uname -s)" != "Darwin" ]; then
  echo "packaging/macos/build.sh runs on macOS only" >&2
  exit 2
fi
PY="${PYTHON:-.venv/bin/python}"

# 1. Freeze (preflight guards, PyInstaller, audit). PyInstaller signs when MACOS_SIGN_IDENTITY is set.
"$PY" packaging/build.py "$@"
VERSION="$("$PY" -c 'import sys; sys.path.insert(0, "packaging"); import bundle_config as c; print(c.app_version())')"
APP=dist/LiveConsole.app

# 2. The bundle carries the camera prompt in both languages and the camera entitlement.
/usr/libexec/PlistBuddy -c "Print :NSCameraUsageDescription" "$APP/Contents/Info.plist"
test "$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$APP/Contents/Info.plist")" = "$VERSION"
for lang in en zh_Hans; do
  test -f "$APP/Contents/Resources/$lang.lproj/InfoPlist.strings"
done
codesign -d --entitlements - "$APP" 2>/dev/null | grep -q "com.apple.security.device.camera"

# 3. The frozen app checks itself (models, Qt, try-on, overlay, SQLite).
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/LiveConsole" --self-test

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --verify --deep --strict --verbose=2 "$APP"
fi

# 4. The disk image: the app and a link to /Applications to drag it onto.
mkdir -p dist/installers
DMG="dist/installers/LiveConsole-$VERSION-macos-arm64.dmg"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
ditto "$APP" "$STAGE/LiveConsole.app"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Live Console $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"

# 5. Sign, notarise and staple the image — only with credentials.
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
  if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  elif [ -n "${MACOS_NOTARY_APPLE_ID:-}" ] && [ -n "${MACOS_NOTARY_TEAM_ID:-}" ] && [ -n "${MACOS_NOTARY_PASSWORD:-}" ]; then
    xcrun notarytool submit "$DMG" --apple-id "$MACOS_NOTARY_APPLE_ID" \
      --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD" --wait
  else
    echo "[macos] no notary credentials: the image is signed but not notarised" >&2
    echo "$DMG"
    exit 0
  fi
  xcrun stapler staple "$DMG"
  xcrun stapler validate "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose "$DMG"
else
  echo "[macos] MACOS_SIGN_IDENTITY not set: ad-hoc signed, not notarised" >&2
fi
echo "$DMG"

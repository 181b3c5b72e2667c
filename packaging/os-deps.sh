#!/usr/bin/env bash
# Linux (Debian/Ubuntu) system libraries Qt and OpenCV need, plus CJK fonts and Xvfb, and PortAudio
# (the microphone for the push output).
# Installs only what is missing; does nothing on macOS/Windows.
set -euo pipefail
[ "$(uname -s)" = "Linux" ] || exit 0
command -v dpkg-query >/dev/null || { echo "os-deps: not a Debian-based system; install Qt's xcb/EGL libraries and a CJK font yourself."; exit 0; }
PKGS=(libegl1 libgl1 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
      libxcb-render-util0 libxcb-image0 fonts-noto-cjk fonts-noto-color-emoji xvfb
      libportaudio2)
# `--test`: also the local RTMP server the push tests and `bench output` start (nginx + RTMP module),
# a sound server with a virtual microphone for the microphone tests on a machine without a
# sound card: PulseAudio (a null sink whose monitor is the capture device, fed by pacat) reached by
# PortAudio's ALSA backend through the `pulse` ALSA device (libasound2-plugins), and real libsrt
# for the SRT push tests and `bench output --to srt`: srt-live-transmit (srt-tools) as the
# listener, Debian's ffmpeg (built with libsrt, unlike PyAV's wheels) as a second SRT peer.
[ "${1:-}" = "--test" ] && PKGS+=(nginx-light libnginx-mod-rtmp pulseaudio pulseaudio-utils libasound2-plugins srt-tools ffmpeg)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "os-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

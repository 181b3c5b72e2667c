"""The main window: assembles the view, the docks and the menus. Nothing more.

Each dock is its own module; this file only places them, offers them in the View menu and saves
the layout between runs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QScrollArea, QWidget

from console import APP_NAME, __version__
from console.i18n import pick
from console.video.capture import DEMO, list_devices

from .default_layout import initial_size, place_docks, size_docks
from .go_live import GoLiveBar
from .insight_docks import add_insight_docks, build_comments
from .output_actions import OutputActions
from .signin_actions import SignInActions
from .status_bar import ConsoleStatusBar
from .taskman import run_in_background, to_gui
from .video_view import VideoView


def _scrollable(widget: QWidget) -> QScrollArea:
    """Lets a tall panel's dock be made short without squashing its buttons."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    return area


class MainWindow(QMainWindow):
    def __init__(self, app, layout_file: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("MainWindow")
        self._update_title()
        app.platforms_changed.connect(lambda runner: to_gui(self._update_title))
        self.resize(initial_size(self))
        self._layout_file = layout_file
        self._first_run_sizes = True  # until a saved layout is restored (see showEvent)

        self.video = VideoView(app.pipeline.output)
        self.setCentralWidget(self.video)
        self.comments_model, self.comments = build_comments(self, app)
        self.docks: dict[str, QDockWidget] = {}
        self._view_menu = self.menuBar().addMenu(pick("&View", "视图(&V)"))
        self.add_dock("comments", pick("Live comments", "实时评论"), self.comments, Qt.RightDockWidgetArea)
        if app.tryon is not None:
            from .tryon_panel import TryOnPanel

            self.add_dock("tryon", pick("Try-on", "试穿试戴"), TryOnPanel(app.tryon), Qt.LeftDockWidgetArea)
        from .triggers_panel import TriggersPanel

        self.triggers = TriggersPanel(app.interactions)
        self.add_dock("triggers", pick("Triggers", "互动触发"), _scrollable(self.triggers), Qt.BottomDockWidgetArea)
        add_insight_docks(self, app, self.comments)  # heatmap, radar, dashboard
        if app.show_runner is not None:
            from .cue_sheet import CueSheetPanel

            self.add_dock("cues", pick("Cue sheet", "流程单"), CueSheetPanel(app.show_runner), Qt.RightDockWidgetArea)
        place_docks(self)  # the comments column gets the full height; sizes in showEvent
        self._build_output_menu()
        self.output_actions = OutputActions(app, self._view_menu, self)
        self._build_camera_menu()
        self.signin_actions = SignInActions(app, self._build_platform_menu(), self)
        self._build_help_menu()
        self.setStatusBar(ConsoleStatusBar(app))
        self.go_live = GoLiveBar(app, self)  # Go live / End, destinations; health in the status bar
        self.addToolBar(Qt.TopToolBarArea, self.go_live)
        self.go_live.attach_status(self.statusBar())
        app.add_listener(self._refresh_camera_state)

    # -- docks --------------------------------------------------------------------------------
    def add_dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock.{key}")  # saveState() keys docks by objectName
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        self._view_menu.addAction(dock.toggleViewAction())
        return dock

    def _settings(self) -> QSettings:
        if self._layout_file is not None:
            return QSettings(str(self._layout_file), QSettings.IniFormat)
        return QSettings("LiveConsole", "LiveConsole")

    def restore_layout(self) -> bool:
        settings = self._settings()
        geometry, state = settings.value("geometry"), settings.value("state")
        restored = False
        if isinstance(geometry, QByteArray):
            restored = self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            restored = self.restoreState(state) and restored
        if restored:
            self._first_run_sizes = False  # the host's own layout wins over the first-run one
        return restored

    def save_layout(self) -> None:
        settings = self._settings()
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.sync()

    # -- output / help ------------------------------------------------------------------------
    def _build_output_menu(self) -> None:
        self._view_menu.addSeparator()
        group = QActionGroup(self)
        group.setExclusive(True)
        self.aspect_actions: dict[str, QAction] = {}
        for aspect, label, keys in (
            ("16:9", pick("Output 16:9 (landscape)", "输出 16:9（横屏）"), "Ctrl+Shift+H"),
            ("9:16", pick("Output 9:16 (vertical)", "输出 9:16（竖屏）"), "Ctrl+Shift+V"),
        ):
            action = self._view_menu.addAction(label)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(keys))
            action.setChecked(self.app.overlays.aspect == aspect)
            action.triggered.connect(lambda _=False, a=aspect: self.app.set_aspect(a))
            group.addAction(action)
            self.aspect_actions[aspect] = action
        # The audience's language can differ from the host's: overlays have their own.
        lang_menu = self._view_menu.addMenu(pick("Overlay language (viewers)", "画面文字语言（观众）"))
        lang_group = QActionGroup(self)
        lang_group.setExclusive(True)
        self.overlay_lang_actions: dict[str, QAction] = {}
        for lang, label in (("zh", "中文"), ("en", "English")):
            action = lang_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(self.app.overlays.language == lang)
            action.triggered.connect(lambda _=False, l=lang: self.app.set_overlay_language(l))
            lang_group.addAction(action)
            self.overlay_lang_actions[lang] = action
        # Standing overlay elements (viewer count …) declare a toggle label; the menu lists them.
        self.element_actions: dict[str, QAction] = {}
        for name, element in self.app.overlays.elements.items():
            if element.toggle is None:
                continue
            action = self._view_menu.addAction(pick(*element.toggle))
            action.setCheckable(True)
            action.setChecked(name in self.app.overlays.enabled)
            action.toggled.connect(lambda on, n=name: self.app.overlays.set_enabled(n, on))
            self.element_actions[name] = action

    def _update_title(self) -> None:
        title = f"{APP_NAME} {__version__}"
        if self.app.provider.is_demo:
            title += pick(" — DEMO (simulated audience)", " — DEMO（模拟观众）")
        self.setWindowTitle(title)

    def _build_platform_menu(self):
        menu = self.menuBar().addMenu(pick("&Platforms", "平台(&P)"))
        action = menu.addAction(pick("Platform settings…", "平台设置…"))
        action.triggered.connect(self.show_platform_settings)
        menu.addSeparator()  # sign-in actions follow
        return menu

    def show_platform_settings(self):
        from .platform_dialog import PlatformDialog

        dialog = PlatformDialog(self.app, self, sign_in=self.signin_actions)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()  # non-blocking: the show (and the asyncio loop) goes on behind it
        return dialog

    def _build_help_menu(self) -> None:
        menu = self.menuBar().addMenu(pick("&Help", "帮助(&H)"))
        about = menu.addAction(pick("About Live Console", "关于 Live Console"))
        about.triggered.connect(self._show_about)

    def _show_about(self) -> None:
        from .about import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()  # non-blocking: exec() would stall the asyncio loop mid-show

    # -- camera -------------------------------------------------------------------------------
    def _build_camera_menu(self) -> None:
        self._camera_menu = self.menuBar().addMenu(pick("&Camera", "摄像头(&C)"))
        self._camera_menu.aboutToShow.connect(self._probe_devices)
        self._device_actions: list[QAction] = []
        demo = self._camera_menu.addAction(pick("Demo camera (portrait)", "演示摄像头（肖像）"))
        demo.triggered.connect(lambda: self.app.switch_camera(DEMO))
        open_file = self._camera_menu.addAction(pick("Open video file…", "打开视频文件…"))
        open_file.setShortcut(QKeySequence("Ctrl+O"))
        open_file.triggered.connect(self._open_video_file)
        self._camera_menu.addSeparator()

    def _probe_devices(self) -> None:
        # Opening devices can take seconds on some systems: never on the UI thread.
        run_in_background(list_devices, on_done=self._show_devices)

    def _show_devices(self, indices: list) -> None:
        for action in self._device_actions:
            self._camera_menu.removeAction(action)
        self._device_actions = []
        if not indices:
            action = self._camera_menu.addAction(pick("No cameras found", "未找到摄像头"))
            action.setEnabled(False)
            self._device_actions.append(action)
        for index in indices:
            action = self._camera_menu.addAction(pick(f"Camera {index}", f"摄像头 {index}"))
            action.triggered.connect(lambda _=False, i=index: self.app.switch_camera(i))
            self._device_actions.append(action)

    def _open_video_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, pick("Open video file", "打开视频文件"), "", "Video (*.mp4 *.mov *.avi *.mkv *.webm);;All files (*)")
        if path:
            self.app.switch_camera(path)

    def _refresh_camera_state(self) -> None:
        status = self.app.camera_status
        if status.state in ("lost", "retrying"):
            self.video.set_placeholder(
                pick(f"Camera unavailable: {status.text()}\nThe show goes on — retrying automatically.",
                     f"摄像头不可用：{status.text()}\n直播照常进行，正在自动重试。")
            )

    def showEvent(self, event) -> None:  # noqa: N802 — Qt API
        super().showEvent(event)
        if self._first_run_sizes:  # now the window has its real size (a laptop's, a monitor's)
            self._first_run_sizes = False
            size_docks(self, self.size())

    def closeEvent(self, event) -> None:  # noqa: N802 — Qt API
        self.save_layout()
        self.output_actions.close()
        super().closeEvent(event)

# The Debian package: `scripts/package` (cpack -G DEB) writes build/ses-upgrade-monitor_*.deb.
# Depends comes from dpkg-shlibdeps (dpkg-dev: `scripts/bootstrap package`); the
# configuration is a conffile; packaging/ holds the maintainer scripts (see the comments
# there and docs/operations.md for why an unconfigured daemon is never started).

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "ses-upgrade-monitor")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "ses-upgrade-monitor")
set(CPACK_PACKAGE_CONTACT "ses-upgrade-monitor maintainers <ses-upgrade-monitor@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "monitor for rolling upgrades of NAVER Cloud Search Engine Service clusters")
set(CPACK_PACKAGE_DESCRIPTION
    "A systemd daemon that polls getRollingUpgradeProgress for each configured cluster,
tracks every node through the upgrade stages and alerts (log, webhooks, commands) when
an upgrade starts, finishes, fails or stalls. Includes ses-upgrade-sim, a simulator of
the NAVER Cloud API with a webhook sink, for trying it without a cloud account.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_INSTALL_PREFIX "/usr")
# Install with DESTDIR so the absolute /etc destination lands in the package, not on
# the build machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX "")

set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Beyond the shared libraries: the unit's ExecReload= runs /bin/kill (procps is not in
# every minimal install).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "procps")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_SOURCE_DIR}/packaging/conffiles;${CMAKE_SOURCE_DIR}/packaging/postinst;${CMAKE_SOURCE_DIR}/packaging/prerm;${CMAKE_SOURCE_DIR}/packaging/postrm")

include(CPack)

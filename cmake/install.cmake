# Installation (`cmake --install`) and the Debian package (`scripts/package`, CPack DEB).
#
#   bin/                             ses-upgrade-monitor, ses-upgrade-sim
#   lib/systemd/system/              ses-upgrade-monitor.service (ExecStart follows the prefix)
#   share/doc/ses-upgrade-monitor/   README.md, docs/*.md, config.example.yaml
#   share/ses-upgrade-monitor/prometheus/  alerting rules (+ their promtool tests), Grafana dashboard
#   /etc/ses-upgrade-monitor/        config.yaml (config/config.installed.yaml: inert until
#                                    edited, it lists no cluster), only if none exists yet
#
# The configuration lives in /etc whatever the prefix, because that is where the daemon
# looks by default (SPEC §2); SESMON_INSTALL_SYSCONFDIR moves it for unusual layouts.

set(SESMON_INSTALL_SYSCONFDIR "/etc" CACHE PATH "Directory that holds ses-upgrade-monitor/config.yaml")
set(SESMON_INSTALL_UNITDIR "lib/systemd/system" CACHE STRING "systemd system unit directory, relative to the prefix")
set(SESMON_DOCDIR "share/doc/ses-upgrade-monitor")

install(TARGETS ses-upgrade-monitor RUNTIME DESTINATION bin)
if(TARGET ses-upgrade-sim)
  install(TARGETS ses-upgrade-sim RUNTIME DESTINATION bin)
endif()

# The unit names /usr/bin/ses-upgrade-monitor; at install time that becomes
# <prefix>/bin, so `--prefix /usr/local` installs a unit that runs what it installed.
install(CODE "
  set(unit_dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${SESMON_INSTALL_UNITDIR}\")
  file(READ \"${CMAKE_SOURCE_DIR}/systemd/ses-upgrade-monitor.service\" unit)
  string(REPLACE \"/usr/bin/ses-upgrade-monitor\" \"\${CMAKE_INSTALL_PREFIX}/bin/ses-upgrade-monitor\" unit \"\${unit}\")
  string(REPLACE \"/etc/ses-upgrade-monitor\" \"${SESMON_INSTALL_SYSCONFDIR}/ses-upgrade-monitor\" unit \"\${unit}\")
  file(MAKE_DIRECTORY \"\${unit_dir}\")
  file(WRITE \"\${unit_dir}/ses-upgrade-monitor.service\" \"\${unit}\")
  message(STATUS \"Installing: \${unit_dir}/ses-upgrade-monitor.service\")
")

install(FILES README.md DESTINATION ${SESMON_DOCDIR})
# Prometheus alerting rules (with their promtool unit tests) and a Grafana dashboard for the
# daemon's own metrics: docs/operations.md "Watching the monitor".
install(FILES packaging/prometheus/ses-upgrade-monitor.rules.yml
              packaging/prometheus/ses-upgrade-monitor.rules.test.yml
              packaging/prometheus/ses-upgrade-monitor.grafana.json
        DESTINATION share/ses-upgrade-monitor/prometheus)
install(DIRECTORY docs/ DESTINATION ${SESMON_DOCDIR} FILES_MATCHING PATTERN "*.md")

# The example configuration (every key, placeholders included) as documentation; as the
# live config.yaml, config/config.installed.yaml — inert until edited: no cluster, so
# nothing runs on placeholders — and only when there is none, so reinstalling never
# overwrites an operator's cluster list. (The .deb stages into an empty DESTDIR, so the
# package always carries it — as a conffile.)
install(CODE "
  set(example \"${CMAKE_SOURCE_DIR}/config/config.example.yaml\")
  set(installed \"${CMAKE_SOURCE_DIR}/config/config.installed.yaml\")
  if(EXISTS \"\${example}\" AND EXISTS \"\${installed}\")
    # file(INSTALL) adds DESTDIR itself; file(COPY_FILE) below does not.
    file(INSTALL \"\${example}\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${SESMON_DOCDIR}\")
    set(conf_dir \"\$ENV{DESTDIR}${SESMON_INSTALL_SYSCONFDIR}/ses-upgrade-monitor\")
    if(EXISTS \"\${conf_dir}/config.yaml\")
      message(STATUS \"Keeping existing: \${conf_dir}/config.yaml\")
    else()
      file(MAKE_DIRECTORY \"\${conf_dir}\")
      file(COPY_FILE \"\${installed}\" \"\${conf_dir}/config.yaml\")
      file(CHMOD \"\${conf_dir}/config.yaml\" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
      message(STATUS \"Installing: \${conf_dir}/config.yaml\")
    endif()
  else()
    message(WARNING \"config/config.example.yaml or config.installed.yaml is missing: no configuration installed\")
  endif()
")

include(${CMAKE_CURRENT_LIST_DIR}/cpack.cmake)

#!/bin/sh
# Renders the configuration from the environment (only the variables named, so Kannel's
# own %-escapes stay) and runs bearerbox with smsbox; the container restarts if either dies.
set -eu
mkdir -p "$KANNEL_LOG_DIR" "$KANNEL_SPOOL_DIR"
envsubst '$KANNEL_ADMIN_PORT $KANNEL_ADMIN_PASSWORD $KANNEL_STATUS_PASSWORD $KANNEL_SMSBOX_PORT $KANNEL_SENDSMS_PORT $KANNEL_LOG_DIR $KANNEL_SPOOL_DIR $SMSC_HOST $SMSC_PORT $SMSC_USERNAME $SMSC_PASSWORD $KANNEL_SENDSMS_USER $KANNEL_SENDSMS_PASSWORD $ENGINE_ALLOW_IP $ENGINE_INBOUND_URL $ENGINE_CALLBACK_TOKEN' \
  < /etc/kannel/kannel.conf.template > /etc/kannel/kannel.conf
bearerbox /etc/kannel/kannel.conf &
# smsbox keeps trying until bearerbox listens.
exec smsbox /etc/kannel/kannel.conf

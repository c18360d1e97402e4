#!/usr/bin/python3
"""A real OpenStack consumer for the tests: oslo.messaging's notification listener (Debian's python3-oslo.messaging),
the way Ceilometer or Masakari listen. It prints each notification it receives as one JSON line on stdout
(priority, publisher_id, event_type, payload, metadata with message_id and timestamp), after a first line `ready` once
it listens.
Every delivery is printed, a repeated one too: oslo's listener would drop a message whose _unique_id is among the
last 16 it acknowledged, which would hide from a test a bark that was sent twice.

usage: oslo-listener.py TRANSPORT_URL [EXCHANGE [TOPIC [POOL]]]
"""
import json
import signal
import sys
import threading

from oslo_config import cfg
import oslo_messaging
from oslo_messaging._drivers import amqp as rpc_amqp

rpc_amqp._MsgIdCache.check_duplicate_message = lambda self, message: message.pop(rpc_amqp.UNIQUE_ID, None)

url = sys.argv[1]
exchange = sys.argv[2] if len(sys.argv) > 2 else 'openstack'
topic = sys.argv[3] if len(sys.argv) > 3 else 'notifications'
pool = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()


def emit(priority, publisher_id, event_type, payload, metadata):
    with lock:
        print(json.dumps({'priority': priority, 'publisher_id': publisher_id, 'event_type': event_type,
                          'payload': payload, 'metadata': metadata}), flush=True)


class Endpoint:
    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        emit('info', publisher_id, event_type, payload, metadata)

    def warn(self, ctxt, publisher_id, event_type, payload, metadata):
        emit('warn', publisher_id, event_type, payload, metadata)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        emit('error', publisher_id, event_type, payload, metadata)


conf = cfg.ConfigOpts()
conf([], project='wd-test')
transport = oslo_messaging.get_notification_transport(conf, url=url)
targets = [oslo_messaging.Target(topic=topic, exchange=exchange)]
listener = oslo_messaging.get_notification_listener(transport, targets, [Endpoint()], executor='threading', pool=pool)
# `ready` comes first: a shared queue may hold notifications from before (other tests' barks), and the listener's
# thread would print them as soon as start() consumes, before this line if the machine is busy
with lock:
    listener.start()
    print('ready', flush=True)
# from here a signal stops the listener cleanly; before, it ends the process (start() retries a broker it cannot
# reach forever, and would outlive whoever gave up on it)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: done.set())
signal.signal(signal.SIGINT, lambda *_: done.set())
done.wait()
listener.stop()
listener.wait()

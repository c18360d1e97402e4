#!/bin/sh
# wd (bin/wd of the packages): the bundled CLI on the Node.js runtime it was tested with, lib/wd/node beside it,
# never a node of the PATH. Found from where this script is (/usr/bin/wd of the .deb; bin/wd of the tarball, wherever
# it is unpacked and whatever links to it), without a subprocess in the common case: start-up is what wd waits on.
self=$0
[ -L "$self" ] && self=$(readlink -f "$self")
case $self in */*) ;; *) self=./$self ;; esac
lib=${self%/*}/../lib/wd
exec "$lib/node" "$lib/dist/cli/bin/entry.js" "$@"

#!/usr/bin/perl
# debhelper sequence add-on: `dh $@ --with confine`, or Build-Depends on
# dh-sequence-confine. Runs dh_confine after dh_install.
use strict;
use warnings;
use Debian::Debhelper::Dh_Lib;

insert_after('dh_install', 'dh_confine');

1;

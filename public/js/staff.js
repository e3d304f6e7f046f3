// The drills overview: server-drawn; this module only localises times and wires sign-out.
import './lib/staff-shell.js';

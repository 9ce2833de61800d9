{ "targets": [ { "target_name": "holders", "sources": ["holders.cc"], "cflags_cc": ["-O2"] } ] }

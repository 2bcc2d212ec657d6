{
  "targets": [
    {
      "target_name": "ntkv_native",
      "sources": ["ntkv_native.cc", "vec_tanh.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-ffp-contract=off", "-pthread"],
      "libraries": ["-lopenblas", "-llapacke", "-pthread"]
    }
  ]
}

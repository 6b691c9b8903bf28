#!/usr/bin/python3
"""Writes the .npy fixtures of common/tests/test_npy.c with NumPy itself, so the
C reader is tested against files it did not write. Run from this folder:

    /usr/bin/python3 make_npy_fixtures.py

The values are small and asymmetric; test_npy.c spells out the same values.
"""
import numpy as np

# float32 [2, 3], version 1.0 (np.save's default).
np.save("f32_2x3.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1.0))

# uint8 [5].
np.save("u8_5.npy", np.array([0, 1, 127, 128, 255], dtype=np.uint8))

# int32 [2, 2, 2] in format version 2.0 (4-byte header length).
with open("i32_2x2x2_v2.npy", "wb") as f:
    values = np.array([1, -2, 3, -4, 5, -6, 2147483647, -2147483648], dtype=np.int32)
    np.lib.format.write_array(f, values.reshape(2, 2, 2), version=(2, 0))

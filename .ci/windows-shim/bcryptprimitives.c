/* Tests only: Wine 8 (Debian 12) has no bcryptprimitives.dll, whose ProcessPrng
 * Rust's std calls for random bytes on Windows 10 and later. This stand-in, put
 * beside the .exe under test, forwards to RtlGenRandom (SystemFunction036 in
 * advapi32), which Wine has. Never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

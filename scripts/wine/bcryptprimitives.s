# bcryptprimitives.dll for Wine 8, which has none: Go 1.24 and later load
# ProcessPrng from it at start-up and stop when it is missing. ProcessPrng
# (BOOL ProcessPrng(PBYTE data, SIZE_T len), documented to always succeed)
# is answered by advapi32's RtlGenRandom (SystemFunction036), which Wine has.
# Used only to run the Windows test binaries under Wine (make test-windows).
	.text
	.globl	ProcessPrng
ProcessPrng:
	subq	$40, %rsp		# 32 bytes of shadow space, 16-byte alignment
	call	*__imp_SystemFunction036(%rip)	# (data in rcx, len in edx)
	addq	$40, %rsp
	movl	$1, %eax
	ret

	.globl	DllMain
DllMain:
	movl	$1, %eax
	ret

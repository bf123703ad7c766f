module example.com/gowarden-demo

go 1.19
